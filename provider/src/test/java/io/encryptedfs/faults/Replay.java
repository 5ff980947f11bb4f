package io.encryptedfs.faults;

import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/** Computes the post-crash content of one file from its history and the cut a plan chose. */
final class Replay {
  private Replay() {}

  /** The file's content after the crash, or empty if the file vanished. */
  static Optional<byte[]> apply(FileHistory file, FileCut cut) {
    List<LogEntry> log = file.unforced();
    FileImage image = file.durableImage();
    if (cut instanceof FileCut.Vanish) {
      if (!file.vanishable()) {
        throw new IllegalArgumentException(
            file.path() + " cannot vanish: it was not created since its last force");
      }
      return Optional.empty();
    } else if (cut instanceof FileCut.Prefix prefix) {
      applyAll(log.subList(0, Math.min(prefix.entries(), log.size())), image);
    } else if (cut instanceof FileCut.Torn torn) {
      if (torn.entries() >= log.size()) {
        throw new IllegalArgumentException(
            file.path()
                + " has "
                + log.size()
                + " unforced entries, cannot tear #"
                + torn.entries());
      }
      applyAll(log.subList(0, torn.entries()), image);
      applyTorn(file.path(), log.get(torn.entries()), torn.tear(), image);
    } else if (cut instanceof FileCut.Subset subset) {
      BitSet kept = subset.entries();
      if (kept.length() > log.size()) {
        throw new IllegalArgumentException(
            file.path() + " has " + log.size() + " unforced entries, cannot keep " + kept);
      }
      for (int i = kept.nextSetBit(0); i >= 0; i = kept.nextSetBit(i + 1)) {
        applyEntry(log.get(i), image);
      }
    } else if (cut instanceof FileCut.Pages pages) {
      applyPages(file.path(), log, pages.chunks(), image);
    } else {
      throw new AssertionError("unknown cut " + cut);
    }
    return Optional.of(image.toByteArray());
  }

  private static void applyPages(String path, List<LogEntry> log, BitSet kept, FileImage image) {
    int chunk = 0;
    for (LogEntry entry : log) {
      int count = pageCount(entry);
      for (int c = 0; c < count; c++, chunk++) {
        if (!kept.get(chunk)) {
          continue;
        }
        if (entry instanceof LogEntry.Write write) {
          int from = SectorMath.chunkStart(write.offset(), write.length(), FileCut.Pages.PAGE, c);
          int to = SectorMath.chunkEnd(write.offset(), write.length(), FileCut.Pages.PAGE, c);
          write.applyTo(image, from, to - from);
        } else {
          applyEntry(entry, image);
        }
      }
    }
    if (kept.length() > chunk) {
      throw new IllegalArgumentException(
          path + " has " + chunk + " unforced pages, cannot keep " + kept);
    }
  }

  /** How many page chunks {@code entry} is cut into (see {@link FileCut.Pages}). */
  static int pageCount(LogEntry entry) {
    return entry instanceof LogEntry.Write write
        ? SectorMath.chunkCount(write.offset(), write.length(), FileCut.Pages.PAGE)
        : 1;
  }

  private static void applyAll(List<LogEntry> entries, FileImage image) {
    for (LogEntry entry : entries) {
      applyEntry(entry, image);
    }
  }

  private static void applyEntry(LogEntry entry, FileImage image) {
    if (entry instanceof LogEntry.Write write) {
      write.applyTo(image, 0, write.length());
    } else {
      ((LogEntry.Truncate) entry).applyTo(image);
    }
  }

  private static void applyTorn(String path, LogEntry entry, Tear tear, FileImage image) {
    if (!(entry instanceof LogEntry.Write write)) {
      throw new IllegalArgumentException(path + ": " + entry + " is atomic and cannot tear");
    }
    if (tear instanceof Tear.AtByte atByte) {
      if (atByte.bytes() > write.length()) {
        throw new IllegalArgumentException(path + ": cannot tear " + write + " " + tear);
      }
      write.applyTo(image, 0, atByte.bytes());
      return;
    }
    Tear.SectorSet sectors = (Tear.SectorSet) tear;
    int size = sectors.sectorSize();
    BitSet chunks = sectors.chunks();
    if (chunks.length() > SectorMath.chunkCount(write.offset(), write.length(), size)) {
      throw new IllegalArgumentException(path + ": " + write + " has no " + tear);
    }
    for (int c = chunks.nextSetBit(0); c >= 0; c = chunks.nextSetBit(c + 1)) {
      int from = SectorMath.chunkStart(write.offset(), write.length(), size, c);
      int to = SectorMath.chunkEnd(write.offset(), write.length(), size, c);
      write.applyTo(image, from, to - from);
    }
  }
}
