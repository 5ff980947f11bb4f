package io.encryptedfs.keystore;

import java.io.IOException;

/**
 * Thrown when a password source has no password to give: an environment variable that is not set or
 * is empty, no console to ask at, input at the console that ended or an empty line typed there, an
 * empty given array. The fix is to where the password comes from, not to a keystore or the disk.
 * The message names the source (the variable, the console), never any part of a password. A
 * password file that was read but holds none throws {@link PasswordFileException} instead, which
 * names the file.
 */
public final class PasswordUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  PasswordUnavailableException(String message) {
    super(message);
  }
}
