package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;

/**
 * Which of the three tail slots a new tail record may overwrite.
 *
 * <p>The slot holding the newest record is never overwritten, so a write torn by a process crash
 * leaves the previous record intact. The slot holding the newest record known to be durable (made
 * so by a completed force) is never overwritten either, so a power loss that tears or drops every
 * unforced write still leaves the forced record intact. With three slots one is always free, except
 * while a force runs outside the file's lock: the slot it is making durable is protected too, so a
 * writer that finds no free slot waits for the force to end. When the durable slot is unknown (a
 * file opened after someone else wrote it, whose newest record is not the one its header names as
 * forced), the caller forces once before its first write. Guarded by the owning file's write lock,
 * or by its read lock together with its force lock (a force's start and end: readers never look at
 * the slots, and forces run one at a time).
 */
final class TailSlots {
  private static final int NONE = -1;
  static final long NO_PARTIAL = -1;

  private final long[] sequence = new long[Geometry.TAIL_SLOTS];

  /**
   * Per slot, the home block its record holds as a partial tail (its {@code k}, when {@code r >
   * 0}), or {@link #NO_PARTIAL}: see {@link #keepsPartialTailIn}.
   */
  private final long[] partial = {NO_PARTIAL, NO_PARTIAL, NO_PARTIAL};

  /**
   * {@link #sequence} and {@link #partial} as the {@code fsync} that made {@link #durable} durable
   * found them: a crash may leave any of those records in place of the newer ones written over them
   * since, which need not have landed.
   */
  private final long[] durableSequence = new long[Geometry.TAIL_SLOTS];

  private final long[] durablePartial = {NO_PARTIAL, NO_PARTIAL, NO_PARTIAL};

  /** The same as the running force found them when it began. */
  private final long[] forcingSequence = new long[Geometry.TAIL_SLOTS];

  private final long[] forcingPartial = {NO_PARTIAL, NO_PARTIAL, NO_PARTIAL};
  private int latest;
  private int durable = NONE;
  private int forcing = NONE;
  private boolean durableKnown;
  private int stale;

  /** A new file: its first record is in slot 0 and nothing is durable yet. */
  static TailSlots forNewFile(long firstSequence) {
    TailSlots s = new TailSlots();
    s.sequence[0] = firstSequence;
    s.latest = 0;
    s.durableKnown = true;
    s.snapshot(s.durableSequence, s.durablePartial);
    return s;
  }

  /**
   * An existing file whose authentic records have the given sequences (0 for a slot with none),
   * whose newest is in {@code latest}. {@code partialBlocks} holds, per slot, the home block its
   * record keeps as a partial tail ({@link #NO_PARTIAL} if none). The slots in the bit set {@code
   * stale} hold authentic records newer than {@code latest} that the reader rejected (their home
   * blocks never landed). They must be overwritten, durably, before anything else is written: see
   * {@link #hasStale}. When the newest record is {@code forcedSequence}, the one the header names
   * as made durable by a force (0 for none), it is known durable: the header names a record only
   * after a force returned. A newer record is not, and may be all that holds data a crash left on
   * disk and a reader has seen: it is forced before anything overwrites a slot, so that a later
   * power loss cannot roll the file back below it.
   */
  static TailSlots forExistingFile(
      long[] sequences, long[] partialBlocks, int latest, int stale, long forcedSequence) {
    TailSlots s = new TailSlots();
    s.stale = stale;
    System.arraycopy(sequences, 0, s.sequence, 0, Geometry.TAIL_SLOTS);
    System.arraycopy(partialBlocks, 0, s.partial, 0, Geometry.TAIL_SLOTS);
    s.latest = latest;
    // Whether or not they are durable, these are the records on disk now.
    s.snapshot(s.durableSequence, s.durablePartial);
    s.durableKnown = forcedSequence > 0 && sequences[latest] == forcedSequence;
    if (s.durableKnown) {
      s.durable = latest;
    }
    return s;
  }

  /** Takes the state of {@code loaded}, the slots of the same file loaded again. */
  void resetTo(TailSlots loaded) {
    System.arraycopy(loaded.sequence, 0, sequence, 0, Geometry.TAIL_SLOTS);
    System.arraycopy(loaded.partial, 0, partial, 0, Geometry.TAIL_SLOTS);
    System.arraycopy(loaded.durableSequence, 0, durableSequence, 0, Geometry.TAIL_SLOTS);
    System.arraycopy(loaded.durablePartial, 0, durablePartial, 0, Geometry.TAIL_SLOTS);
    latest = loaded.latest;
    durable = loaded.durable;
    forcing = NONE;
    durableKnown = loaded.durableKnown;
    stale = loaded.stale;
  }

  /** True when the caller must force before overwriting any slot. */
  boolean needsForceBeforeWrite() {
    return !durableKnown;
  }

  /** True while a rejected newer record is still on disk. */
  boolean hasStale() {
    return stale != 0;
  }

  /** The highest sequence on disk, rejected records included; new records must exceed it. */
  long maxSequence() {
    long max = 0;
    for (long seq : sequence) {
      max = Math.max(max, seq);
    }
    return max;
  }

  /** The sequence of the authentic record this file knows in {@code slot}; 0 if none. */
  long sequence(int slot) {
    return sequence[slot];
  }

  long latestSequence() {
    return sequence[latest];
  }

  int latest() {
    return latest;
  }

  /**
   * The slot the next record goes to: a stale one first, else neither the newest, the durable nor
   * the one a running force is making durable; oldest first. -1 when all three are protected.
   */
  int next() {
    if (stale != 0) {
      return Integer.numberOfTrailingZeros(stale);
    }
    int best = NONE;
    for (int slot = 0; slot < Geometry.TAIL_SLOTS; slot++) {
      if (slot == latest || slot == durable || slot == forcing) {
        continue;
      }
      if (best == NONE || sequence[slot] < sequence[best]) {
        best = slot;
      }
    }
    return best;
  }

  /**
   * Records that {@code slot} now holds the newest record, {@code seq}, whose partial tail is in
   * home block {@code partialBlock} ({@link #NO_PARTIAL} if it has none).
   */
  void written(int slot, long seq, long partialBlock) {
    sequence[slot] = seq;
    partial[slot] = partialBlock;
    latest = slot;
    stale &= ~(1 << slot);
  }

  /** The sequence of the newest record known durable; 0 if none. */
  long durableSequence() {
    return durableKnown && durable != NONE ? sequence[durable] : 0;
  }

  /** The sequence of the record a running force is making durable; 0 if none runs. */
  long forcingSequence() {
    return forcing == NONE ? 0 : sequence[forcing];
  }

  /**
   * Whether a slot holds a record of sequence at least {@code min} and below {@code below} whose
   * partial tail is one of the home blocks {@code from..to}. A reader that finds such a block
   * damaged takes it for one a newer record counted but that never landed, and falls back to the
   * older record (see {@link FileLoader}); so a block that an in-place write may tear must not be
   * one, unless that record is older than the header's forced sequence on disk. Counts the records
   * a crash may leave, not only the newest in each slot: those the last force found there, and
   * those a running one did.
   */
  boolean keepsPartialTailIn(long from, long to, long min, long below) {
    return holds(sequence, partial, from, to, min, below)
        || holds(durableSequence, durablePartial, from, to, min, below)
        || (forcing != NONE && holds(forcingSequence, forcingPartial, from, to, min, below));
  }

  private static boolean holds(
      long[] sequences, long[] partials, long from, long to, long min, long below) {
    for (int slot = 0; slot < Geometry.TAIL_SLOTS; slot++) {
      if (sequences[slot] >= min
          && sequences[slot] < below
          && partials[slot] >= from
          && partials[slot] <= to) {
        return true;
      }
    }
    return false;
  }

  private void snapshot(long[] sequences, long[] partials) {
    System.arraycopy(sequence, 0, sequences, 0, Geometry.TAIL_SLOTS);
    System.arraycopy(partial, 0, partials, 0, Geometry.TAIL_SLOTS);
  }

  /** Records that everything written so far is durable. */
  void forced() {
    durable = latest;
    durableKnown = true;
    snapshot(durableSequence, durablePartial);
  }

  /**
   * A force of the file begins, to run without the file's lock: protects the newest record's slot
   * until {@link #endForce}, and returns it.
   */
  int beginForce() {
    forcing = latest;
    snapshot(forcingSequence, forcingPartial);
    return latest;
  }

  /**
   * The force begun by {@link #beginForce} ended; if it succeeded, the record in {@code slot} is
   * durable (unless a force under the lock already made a newer one so). Returns false when the
   * slots were reset to the file loaded again since it began: then {@code slot} may hold a record
   * written after its {@code fsync} began, and nothing is made durable.
   */
  boolean endForce(int slot, boolean succeeded) {
    boolean sameView = forcing != NONE; // only resetTo clears it while a force runs
    forcing = NONE;
    if (!sameView) {
      return false;
    }
    if (succeeded && (durable == NONE || !durableKnown || sequence[slot] > sequence[durable])) {
      durable = slot;
      durableKnown = true;
      System.arraycopy(forcingSequence, 0, durableSequence, 0, Geometry.TAIL_SLOTS);
      System.arraycopy(forcingPartial, 0, durablePartial, 0, Geometry.TAIL_SLOTS);
    }
    return true;
  }
}
