package io.encryptedfs;

import java.nio.file.FileSystemException;

/**
 * A write was refused because another writer has the file: another program, or another encrypted
 * file system in this one that reaches the same file (a root nested in another, a hard link), is
 * writing it now, or wrote it after this file system opened it. Each keeps its own view of a file's end, so two writers would overwrite each other's
 * records and returned writes would be lost; encryptedfs lets one program write a file at a time.
 * Nothing was written. Ask for the file's size (or open it again) to see the other writer's data,
 * and write once the other writer has closed it.
 */
public class ConcurrentWriterException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  /**
   * @param path the file, as the caller named it
   * @param reason what the other writer did
   */
  public ConcurrentWriterException(String path, String reason) {
    super(path, null, reason);
  }
}
