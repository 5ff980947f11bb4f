package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import java.io.IOException;

/**
 * Which of an existing file's authentic tail records it goes on from, given the records, the
 * sequence its header names as forced and its raw length. Reads nothing itself: the one question
 * that needs the disk, whether a home block landed, goes to {@link LandedBlocks}, and only for the
 * records the choice must weigh.
 *
 * <p>Write-back may persist an unforced tail record before the home blocks it accounts for (the
 * tail slots lie below them). Such a record never had its blocks forced, so the choice falls back
 * to the newest record, no older than the forced sequence, that the raw length fits; the newer ones
 * become stale and are overwritten, durably, before the file is written again ({@link TailSlots}).
 */
final class TailChoice {
  /** Whether a home block is on disk whole and authentic. */
  interface LandedBlocks {
    boolean authentic(long index) throws IOException;
  }

  private TailChoice() {}

  /**
   * The slot of the record the file goes on from; {@code records} holds, per slot, its authentic
   * record or null. A file none of whose records may be chosen is reported as damaged.
   */
  static int choose(
      Geometry g,
      TailRecord[] records,
      long forced,
      long rawLength,
      LandedBlocks landed,
      String path)
      throws IOException {
    int newest = newest(records, path);
    TailRecord best = records[newest];
    if (best.sequence() < forced) {
      throw new DamagedFileException(
          path,
          -1,
          "the newest tail record (sequence "
              + forced
              + " or later, made durable by a force) is damaged; only sequence "
              + best.sequence()
              + " authenticates");
    }
    int chosen = newest;
    while (chosen >= 0
        && !(fits(g, records[chosen], rawLength)
            && olderTailsLanded(records, chosen, forced, landed))) {
      chosen = nextOlder(records, chosen, forced);
    }
    if (chosen < 0) {
      checkRawLength(g, best, rawLength, path);
      throw lostTail(records, best, forced, landed, g, path);
    }
    return chosen;
  }

  /**
   * The newest record fits the raw length, but counts as full a home block into which an older
   * record's partial tail, forced or newer, moved, and that block is not authentic; no record that
   * still holds those bytes fits the raw length either. Those bytes are lost in that block.
   */
  private static DamagedFileException lostTail(
      TailRecord[] records,
      TailRecord newest,
      long forced,
      LandedBlocks landed,
      Geometry g,
      String path)
      throws IOException {
    long block = -1;
    for (TailRecord r : records) {
      if (r != null
          && r.sequence() >= forced
          && r.length() > 0
          && r.homeBlocks() < newest.homeBlocks()
          && (block < 0 || r.homeBlocks() < block)
          && !landed.authentic(r.homeBlocks())) {
        block = r.homeBlocks();
      }
    }
    return new DamagedFileException(
        path,
        block,
        g.blockSize(),
        "failed authentication, and no tail record that still holds its bytes fits the raw"
            + " length");
  }

  /** The slots of a file that goes on from {@code records[chosen]}. */
  static TailSlots slots(TailRecord[] records, int chosen, long forced) {
    long[] sequences = new long[records.length];
    long[] partial = new long[records.length];
    int stale = 0;
    for (int slot = 0; slot < records.length; slot++) {
      TailRecord r = records[slot];
      sequences[slot] = r == null ? 0 : r.sequence();
      partial[slot] = r != null && r.length() > 0 ? r.homeBlocks() : TailSlots.NO_PARTIAL;
      if (r != null && r.sequence() > records[chosen].sequence()) {
        stale |= 1 << slot;
      }
    }
    return TailSlots.forExistingFile(sequences, partial, chosen, stale, forced);
  }

  /**
   * The slot of the record with the highest sequence. Any two records sharing a sequence are
   * damage, not only the newest: which slots they are in must not decide whether it is reported,
   * and the fallback would otherwise take either of two older records at random.
   */
  private static int newest(TailRecord[] records, String path) throws DamagedFileException {
    int newest = -1;
    for (int slot = 0; slot < records.length; slot++) {
      TailRecord r = records[slot];
      if (r == null) {
        continue;
      }
      for (int other = 0; other < slot; other++) {
        if (records[other] != null && records[other].sequence() == r.sequence()) {
          throw new DamagedFileException(path, -1, "two tail records share one sequence number");
        }
      }
      if (newest < 0 || r.sequence() > records[newest].sequence()) {
        newest = slot;
      }
    }
    if (newest < 0) {
      throw new DamagedFileException(path, -1, "no authentic tail record: the file's end is lost");
    }
    return newest;
  }

  /** The slot of the newest record older than {@code records[slot]} and at least {@code min}. */
  private static int nextOlder(TailRecord[] records, int slot, long min) {
    int older = -1;
    for (int s = 0; s < records.length; s++) {
      TailRecord r = records[s];
      if (r != null
          && r.sequence() < records[slot].sequence()
          && r.sequence() >= min
          && (older < 0 || r.sequence() > records[older].sequence())) {
        older = s;
      }
    }
    return older;
  }

  /**
   * True when, for every older record still on disk (at least {@code min}) whose partial tail
   * {@code records[slot]} counts as a full home block, that home block authenticates. The durable
   * record is among them, so forced tail bytes that moved into a home block that never landed make
   * the reader fall back to the record that still holds them, instead of failing on them.
   */
  private static boolean olderTailsLanded(
      TailRecord[] records, int slot, long min, LandedBlocks landed) throws IOException {
    TailRecord newer = records[slot];
    for (TailRecord r : records) {
      if (r != null
          && r.sequence() >= min
          && r.sequence() < newer.sequence()
          && r.length() > 0
          && r.homeBlocks() < newer.homeBlocks()
          && !landed.authentic(r.homeBlocks())) {
        return false;
      }
    }
    return true;
  }

  private static boolean fits(Geometry g, TailRecord record, long rawLength) {
    return rawLength >= g.rawLength(record.homeBlocks())
        && rawLength <= g.admittedRawLength(record.homeBlocks(), record.allowance());
  }

  private static void checkRawLength(Geometry g, TailRecord best, long rawLength, String path)
      throws DamagedFileException {
    long expected = g.rawLength(best.homeBlocks());
    if (rawLength < expected) {
      long firstMissing = (rawLength - g.frontSize()) / g.sealedBlockSize();
      throw new DamagedFileException(
          path,
          firstMissing,
          g.blockSize(),
          "truncated: raw length " + rawLength + ", expected " + expected);
    }
    long allowed = g.admittedRawLength(best.homeBlocks(), best.allowance());
    if (rawLength > allowed) {
      throw new DamagedFileException(
          path, -1, (rawLength - allowed) + " unexpected raw bytes after the end of the file");
    }
  }
}
