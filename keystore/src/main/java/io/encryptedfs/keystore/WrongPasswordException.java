package io.encryptedfs.keystore;

import java.io.IOException;

/** Thrown when a keystore cannot be opened because its password is wrong. */
public final class WrongPasswordException extends IOException {
  private static final long serialVersionUID = 1L;

  public WrongPasswordException(String source, Throwable cause) {
    super("wrong password for keystore " + source, cause);
  }
}
