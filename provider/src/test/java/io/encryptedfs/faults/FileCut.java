package io.encryptedfs.faults;

import java.util.BitSet;

/** What a crash leaves of one file: which of its unforced {@link LogEntry entries} survive. */
public sealed interface FileCut
    permits FileCut.Prefix, FileCut.Torn, FileCut.Subset, FileCut.Pages, FileCut.Vanish {

  /** Every unforced entry survives, as after a process crash. */
  static FileCut all() {
    return new Prefix(Integer.MAX_VALUE);
  }

  /** Only the durable image survives. */
  static FileCut none() {
    return new Prefix(0);
  }

  static FileCut prefix(int entries) {
    return new Prefix(entries);
  }

  /** The first {@code entries} entries survive and entry number {@code entries} tears. */
  static FileCut torn(int entries, Tear tear) {
    return new Torn(entries, tear);
  }

  /**
   * An arbitrary subset of entries survives, replayed in their original order. Goes beyond the
   * ordered model: page caches write back dirty pages in any order.
   */
  static FileCut subset(BitSet entries) {
    return new Subset(entries);
  }

  /**
   * An arbitrary subset of the pages the unforced entries wrote survives (see {@link Pages}): what
   * a page cache's write-back leaves, where one write that spans pages may land in part.
   */
  static FileCut pages(BitSet chunks) {
    return new Pages(chunks);
  }

  /** The file disappears; only allowed for files created and not forced since. */
  static FileCut vanish() {
    return new Vanish();
  }

  /** The first {@code entries} unforced entries survive; larger counts mean all of them. */
  record Prefix(int entries) implements FileCut {
    public Prefix {
      if (entries < 0) {
        throw new IllegalArgumentException("negative entry count " + entries);
      }
    }

    @Override
    public String toString() {
      return entries == Integer.MAX_VALUE ? "all" : "keep " + entries;
    }
  }

  /** The first {@code entries} unforced entries survive and the next one, a write, tears. */
  record Torn(int entries, Tear tear) implements FileCut {
    public Torn {
      if (entries < 0) {
        throw new IllegalArgumentException("negative entry count " + entries);
      }
      if (tear == null) {
        throw new NullPointerException("tear");
      }
    }

    @Override
    public String toString() {
      return "keep " + entries + ", #" + entries + " " + tear;
    }
  }

  /** Exactly the unforced entries whose indexes are in {@code entries} survive. */
  record Subset(BitSet entries) implements FileCut {
    public Subset {
      entries = (BitSet) entries.clone();
    }

    @Override
    public BitSet entries() {
      return (BitSet) entries.clone();
    }

    @Override
    public String toString() {
      return "keep " + entries;
    }
  }

  /**
   * The unforced entries cut at {@link #PAGE}-aligned boundaries into chunks, numbered in log
   * order; exactly the chunks in {@code chunks} survive, replayed in their original order. A
   * truncation is one chunk.
   */
  record Pages(BitSet chunks) implements FileCut {
    public static final int PAGE = 4096;

    public Pages {
      chunks = (BitSet) chunks.clone();
    }

    @Override
    public BitSet chunks() {
      return (BitSet) chunks.clone();
    }

    @Override
    public String toString() {
      return "keep pages " + chunks;
    }
  }

  /** The file is gone after the crash. */
  record Vanish() implements FileCut {
    @Override
    public String toString() {
      return "vanished";
    }
  }
}
