package io.encryptedfs.channel;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Re-raises an underlying file system's exception as the same JDK type naming the caller's
 * encrypted paths, never the raw ones: libraries branch on the type, people read the path.
 */
public final class PathErrors {
  private PathErrors() {}

  public static FileSystemException translate(FileSystemException e, String file) {
    return translate(e, file, null);
  }

  public static FileSystemException translate(FileSystemException e, String file, String other) {
    String reason = e.getReason();
    FileSystemException t;
    if (e instanceof NoSuchFileException) {
      t = new NoSuchFileException(file, other, reason);
    } else if (e instanceof FileAlreadyExistsException) {
      t = new FileAlreadyExistsException(file, other, reason);
    } else if (e instanceof DirectoryNotEmptyException) {
      t = new DirectoryNotEmptyException(file);
    } else if (e instanceof NotDirectoryException) {
      t = new NotDirectoryException(file);
    } else if (e instanceof AccessDeniedException) {
      t = new AccessDeniedException(file, other, reason);
    } else if (e instanceof NotLinkException) {
      t = new NotLinkException(file, other, reason);
    } else if (e instanceof FileSystemLoopException) {
      t = new FileSystemLoopException(file);
    } else {
      t = new FileSystemException(file, other, reason);
    }
    t.initCause(e);
    return t;
  }
}
