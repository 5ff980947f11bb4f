package io.encryptedfs;

import java.nio.file.FileSystemException;

/**
 * The directory is not an encrypted root and the configuration did not ask to create one, or the
 * path is not a directory at all, which no setting makes a root.
 */
public final class NotAnEncryptedRootException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  public NotAnEncryptedRootException(String directory) {
    this(directory, "not an encrypted root (set 'create' to true to initialise it)");
  }

  /** The path is no root for {@code reason}, which says why and what would make one. */
  public NotAnEncryptedRootException(String path, String reason) {
    super(path, null, reason);
  }
}
