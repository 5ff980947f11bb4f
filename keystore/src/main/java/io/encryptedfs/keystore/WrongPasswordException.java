package io.encryptedfs.keystore;

import java.io.IOException;

/**
 * Thrown when a keystore cannot be opened because its password is wrong.
 *
 * <p>A keystore whose bytes were altered fails the same integrity check, and the two cannot be told
 * apart, so the message says so.
 */
public final class WrongPasswordException extends IOException {
  private static final long serialVersionUID = 1L;

  public WrongPasswordException(String source, Throwable cause) {
    super("wrong password for keystore " + source + " (or the file was modified)", cause);
  }

  private WrongPasswordException(String message, WrongPasswordException cause) {
    super(message, cause);
  }

  /**
   * This exception with {@code context} (the path of a file that needed the keystore, say) before
   * its message, this as its cause: a keystore read again for a file fails that file.
   */
  public WrongPasswordException in(String context) {
    return new WrongPasswordException(context + ": " + getMessage(), this);
  }
}
