package io.encryptedfs;

/**
 * A file inside an encrypted root is not an encrypted file at all (no header magic): typically a
 * plain file someone copied in by hand. It is never read as cleartext.
 */
public final class NotAnEncryptedFileException extends DamagedFileException {
  private static final long serialVersionUID = 1L;

  public NotAnEncryptedFileException(String path) {
    super(path, -1, "not an encrypted file (no encryptedfs header)");
  }
}
