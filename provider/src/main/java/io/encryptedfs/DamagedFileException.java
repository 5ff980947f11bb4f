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
  private final int blockSize;

  /**
   * @param path the file, as the caller named it
   * @param block the cleartext block that failed, or -1 when the damage is not in one block
   * @param reason what is wrong
   */
  public DamagedFileException(String path, long block, String reason) {
    this(path, block, 0, reason);
  }

  /**
   * @param path the file, as the caller named it
   * @param block the cleartext block that failed, or -1 when the damage is not in one block
   * @param blockSize the file's cleartext block size, or 0 if not known
   * @param reason what is wrong
   * @throws IllegalArgumentException if {@code blockSize} is negative
   */
  public DamagedFileException(String path, long block, int blockSize, String reason) {
    super(path + ": " + (block >= 0 ? "block " + block + ": " : "") + reason);
    if (blockSize < 0) {
      throw new IllegalArgumentException("negative block size " + blockSize);
    }
    this.path = path;
    this.block = block;
    this.blockSize = block >= 0 ? blockSize : 0;
  }

  /** The damaged file, as the caller named it. */
  public String path() {
    return path;
  }

  /** The cleartext block index that failed, or -1 when the damage is not in one block. */
  public long block() {
    return block;
  }

  /**
   * The file's cleartext block size where {@link #block()} names a block, so that the bytes lost
   * are the file's positions {@code block() * blockSize()} up to {@code (block() + 1) *
   * blockSize()}, and a reader can go on after them; 0 where no block is named or the size is not
   * known.
   */
  public int blockSize() {
    return blockSize;
  }
}
