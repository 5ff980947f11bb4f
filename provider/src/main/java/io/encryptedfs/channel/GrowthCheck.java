package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;
import java.nio.file.FileSystemException;

/**
 * Refuses, before a block is written, a write that would grow a file by more than can go down
 * safely. Every block of a gap is stored, sealed, so a write far past the end would otherwise fill
 * the disk before it failed, where a plain file gets a hole (or is refused at once past its file
 * system's largest file). And no record admits more than {@link TailRecordWriter#OPEN_ALLOWANCE}
 * blocks past its own, which is what one runway record opens: a crash while more went down would
 * leave more raw bytes than any record admits, a file that no longer opens.
 */
final class GrowthCheck {
  /** A write that grows a file by this many raw bytes or more first asks the disk for room. */
  static final long ROOM_CHECKED = 64L << 20;

  private GrowthCheck() {}

  /**
   * Throws if a write at {@code pos} that grows a file of {@code oldBlocks} home blocks to {@code
   * newBlocks} cannot go down: its blocks past the runway that ends at {@code runwayEnd} and past
   * the one a runway record could open, or needing more than the disk has free.
   */
  static void check(
      FileName path,
      RawFile raw,
      Geometry g,
      long runwayEnd,
      long pos,
      long oldBlocks,
      long newBlocks)
      throws FileSystemException {
    long added = newBlocks - oldBlocks;
    if (added <= 0) {
      return;
    }
    // Growing, the write puts down every block up to newBlocks - 1.
    if (newBlocks - 1 >= Math.max(runwayEnd, oldBlocks + TailRecordWriter.OPEN_ALLOWANCE)) {
      throw new FileSystemException(
          path.toString(),
          null,
          "a write at "
              + pos
              + " would add "
              + added
              + " blocks (a gap is stored in full), more than one write may add, "
              + TailRecordWriter.OPEN_ALLOWANCE
              + "; write the gap in parts");
    }
    long bytes = added * g.sealedBlockSize();
    if (bytes >= ROOM_CHECKED) {
      long free = raw.usableSpace();
      if (bytes > free) {
        throw new FileSystemException(
            path.toString(),
            null,
            "a write at "
                + pos
                + " would store "
                + bytes
                + " bytes (a gap is stored in full), more than the disk has free, "
                + free);
      }
    }
  }
}
