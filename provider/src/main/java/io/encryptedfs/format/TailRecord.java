package io.encryptedfs.format;

/**
 * The metadata of one tail slot: which version of the file's end it holds. Stored in the clear in
 * the slot and bound into the associated data of the slot's seal, so it is authenticated.
 *
 * @param sequence strictly increasing per file; the newest authentic record wins
 * @param homeBlocks how many full home blocks precede the tail, so the file's cleartext size is
 *     {@code homeBlocks * blockSize + length}
 * @param length cleartext bytes in the tail block, {@code 0 <= length < blockSize}
 * @param allowance home blocks beyond {@code homeBlocks} that may exist on disk (written by an
 *     extending write that a crash interrupted) and are then ignored rather than reported
 */
public record TailRecord(long sequence, long homeBlocks, int length, int allowance) {
  public TailRecord {
    if (sequence < 0 || homeBlocks < 0 || length < 0 || allowance < 0) {
      throw new IllegalArgumentException("negative tail record field");
    }
  }

  /** Cleartext size of the file this record describes. */
  public long size(Geometry geometry) {
    return geometry.blockStart(homeBlocks) + length;
  }
}
