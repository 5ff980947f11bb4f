package io.encryptedfs;

import java.nio.file.FileSystemException;

/** The directory is not an encrypted root and the configuration did not ask to create one. */
public final class NotAnEncryptedRootException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  public NotAnEncryptedRootException(String directory) {
    super(directory, null, "not an encrypted root (set 'create' to true to initialise it)");
  }
}
