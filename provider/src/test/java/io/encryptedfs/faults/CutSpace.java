package io.encryptedfs.faults;

import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The crash points of one file, numbered without materialising them. Numbers {@code 0..n} keep that
 * many of the {@code n} unforced entries; then come the tears of entry 0, of entry 1, ...; last, if
 * allowed, the file vanishing.
 */
final class CutSpace {
  private final FileHistory file;
  private final List<LogEntry> log;
  private final CrashPointOptions options;
  private final boolean vanishing;
  // tearStart[i] is the number of the first tear of entry i; tearStart[n] ends the tears.
  private final long[] tearStart;
  private final long size;

  CutSpace(FileHistory file, CrashPointOptions options) {
    this.file = file;
    this.log = file.unforced();
    this.options = options;
    this.vanishing = options.vanishing() && file.vanishable();
    int n = log.size();
    tearStart = new long[n + 1];
    long next = n + 1L;
    for (int i = 0; i < n; i++) {
      tearStart[i] = next;
      next += tearCount(i);
    }
    tearStart[n] = next;
    size = next + (vanishing ? 1 : 0);
  }

  long size() {
    return size;
  }

  FileCut get(long index) {
    int n = log.size();
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index + " not in [0, " + size + ")");
    }
    if (index <= n) {
      return FileCut.prefix((int) index);
    }
    if (index >= tearStart[n]) {
      return FileCut.vanish();
    }
    int entry = lastEntryStartingAtOrBefore(index);
    return FileCut.torn(entry, tear(entry, (int) (index - tearStart[entry])));
  }

  /**
   * A random point, weighted by structure rather than uniformly: uniform over prefix lengths, then
   * a tear of the next entry half the time, so big writes with many tear points do not crowd out
   * the prefixes.
   */
  FileCut sample(SplittableRandom random) {
    int n = log.size();
    if (vanishing && random.nextInt(n + 2) == 0) {
      return FileCut.vanish();
    }
    int kept = random.nextInt(n + 1);
    if (kept < n && tearCount(kept) > 0 && random.nextBoolean()) {
      return FileCut.torn(kept, tear(kept, random.nextInt(tearCount(kept))));
    }
    return FileCut.prefix(kept);
  }

  /** A random subset of the entries, each kept with probability one half. */
  FileCut sampleSubset(SplittableRandom random) {
    BitSet kept = new BitSet();
    for (int i = 0; i < log.size(); i++) {
      if (random.nextBoolean()) {
        kept.set(i);
      }
    }
    return FileCut.subset(kept);
  }

  /** A random subset of the pages the entries wrote, each kept with probability one half. */
  FileCut samplePages(SplittableRandom random) {
    int chunks = file.unforcedPages();
    BitSet kept = new BitSet();
    for (int i = 0; i < chunks; i++) {
      if (random.nextBoolean()) {
        kept.set(i);
      }
    }
    return FileCut.pages(kept);
  }

  private int lastEntryStartingAtOrBefore(long index) {
    // Entries without tears share their start with the next entry; the last one wins.
    int low = 0;
    int high = log.size() - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (tearStart[mid] <= index) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  private int tearCount(int entry) {
    if (!(log.get(entry) instanceof LogEntry.Write write)) {
      return 0;
    }
    switch (options.tears()) {
      case NONE:
        return 0;
      case SECTOR:
        return SectorMath.chunkCount(write.offset(), write.length(), options.sectorSize()) - 1;
      case BYTE:
        return Math.max(0, write.length() - 1);
      default:
        throw new AssertionError(options.tears());
    }
  }

  private Tear tear(int entry, int k) {
    return options.tears() == CrashPointOptions.Granularity.BYTE
        ? Tear.atByte(k + 1)
        : Tear.atSector(options.sectorSize(), k + 1);
  }
}
