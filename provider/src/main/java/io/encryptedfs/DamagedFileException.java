package io.encryptedfs;

import java.io.IOException;

/**
 * An encrypted file's raw bytes failed authentication or do not fit the format: the file was
 * altered, truncated, extended or damaged on disk. No byte that failed authentication is ever
 * returned; the rest of the file may still be readable.
 */
public class DamagedFileException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String path;
  private final long block;

  /**
   * @param path the file, as the caller named it
   * @param block the cleartext block that failed, or -1 when the damage is not in one block
   * @param reason what is wrong
   */
  public DamagedFileException(String path, long block, String reason) {
    super(path + ": " + (block >= 0 ? "block " + block + ": " : "") + reason);
    this.path = path;
    this.block = block;
  }

  /** The damaged file, as the caller named it. */
  public String path() {
    return path;
  }

  /** The cleartext block index that failed, or -1 when the damage is not in one block. */
  public long block() {
    return block;
  }
}
