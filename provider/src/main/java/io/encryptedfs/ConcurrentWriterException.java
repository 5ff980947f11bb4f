package io.encryptedfs;

import java.nio.file.FileSystemException;

/**
 * A write was refused because another writer has the file: another program, or another encrypted
 * file system in this one that reaches the same file (a root nested in another, a hard link), holds
 * its writer lock, having written the file without closing it or giving up its locks on it since.
 * Each keeps its own view of a file's end, so two writers at once would overwrite each other's
 * records and returned writes would be lost; encryptedfs lets one program write a file at a time.
 * Nothing was written. Write once the other writer has closed the file, or take turns with it under
 * a {@link java.nio.channels.FileLock} of the file: giving up a program's last lock on a file hands
 * it over, and the next writer catches up with what was written before it writes.
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
