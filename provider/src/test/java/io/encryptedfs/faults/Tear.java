package io.encryptedfs.faults;

import java.util.BitSet;

/** How much of a write in flight at the time of a power loss reached the disk. */
public sealed interface Tear permits Tear.AtByte, Tear.SectorSet {

  /** The first {@code bytes} bytes of the write persisted, the rest did not. */
  static Tear atByte(int bytes) {
    return new AtByte(bytes);
  }

  /**
   * The first {@code sectors} sector chunks of the write persisted (see {@link SectorSet}): a write
   * torn at a sector boundary, as on a disk that writes sectors in order.
   */
  static Tear atSector(int sectorSize, int sectors) {
    BitSet chunks = new BitSet();
    chunks.set(0, sectors);
    return new SectorSet(sectorSize, chunks);
  }

  /** Exactly the given sector chunks persisted, in any order (see {@link SectorSet}). */
  static Tear sectors(int sectorSize, BitSet chunks) {
    return new SectorSet(sectorSize, chunks);
  }

  /** A byte-granular tear: bytes {@code [0, bytes)} of the write persisted. */
  record AtByte(int bytes) implements Tear {
    public AtByte {
      if (bytes < 0) {
        throw new IllegalArgumentException("negative byte count " + bytes);
      }
    }

    @Override
    public String toString() {
      return "torn at byte " + bytes;
    }
  }

  /**
   * A sector-granular tear. The write is split at file offsets that are multiples of {@code
   * sectorSize}; chunk 0 runs from the write's offset to the first such boundary, chunk 1 is the
   * next sector, and so on, so the first and last chunks may be partial sectors. Each chunk in
   * {@code chunks} persisted whole, the others not at all.
   */
  record SectorSet(int sectorSize, BitSet chunks) implements Tear {
    public SectorSet {
      if (sectorSize <= 0) {
        throw new IllegalArgumentException("sector size must be positive: " + sectorSize);
      }
      chunks = (BitSet) chunks.clone();
    }

    @Override
    public BitSet chunks() {
      return (BitSet) chunks.clone();
    }

    @Override
    public String toString() {
      if (chunks.nextClearBit(0) == chunks.length()) {
        return "torn after " + chunks.length() + " sector chunk(s) of " + sectorSize + " B";
      }
      return "sector chunks " + chunks + " of " + sectorSize + " B";
    }
  }
}
