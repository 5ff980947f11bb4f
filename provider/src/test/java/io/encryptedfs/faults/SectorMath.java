package io.encryptedfs.faults;

/**
 * Splits a write into sector chunks: pieces that each lie within one sector of the file, sectors
 * being aligned to file offset 0. A disk persists a chunk entirely or not at all.
 */
final class SectorMath {
  private SectorMath() {}

  static int chunkCount(long offset, int length, int sectorSize) {
    if (length == 0) {
      return 0;
    }
    return (int) ((offset + length - 1) / sectorSize - offset / sectorSize + 1);
  }

  /** Start of chunk {@code chunk}, as an index into the written data. */
  static int chunkStart(long offset, int length, int sectorSize, int chunk) {
    if (chunk == 0) {
      return 0;
    }
    long start = (offset / sectorSize + chunk) * sectorSize - offset;
    return (int) Math.min(length, start);
  }

  /** End (exclusive) of chunk {@code chunk}, as an index into the written data. */
  static int chunkEnd(long offset, int length, int sectorSize, int chunk) {
    return chunkStart(offset, length, sectorSize, chunk + 1);
  }
}
