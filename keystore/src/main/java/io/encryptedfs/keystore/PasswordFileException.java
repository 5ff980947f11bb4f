package io.encryptedfs.keystore;

import java.nio.file.FileSystemException;

/**
 * Thrown when a password file was read but holds no usable password: its first line is empty, or it
 * is not UTF-8. Unlike a file that cannot be read (a {@link FileSystemException} such as {@link
 * java.nio.file.NoSuchFileException}), the fix is to its contents, not to the disk or its
 * permissions. {@link #getFile()} is the password file; the message never holds any of its bytes.
 */
public final class PasswordFileException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  PasswordFileException(String file, String reason) {
    super(file, null, reason);
  }
}
