package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;

/**
 * Which of the three tail slots a new tail record may overwrite.
 *
 * <p>The slot holding the newest record is never overwritten, so a write torn by a process crash
 * leaves the previous record intact. The slot holding the newest record known to be durable (made
 * so by a completed force) is never overwritten either, so a power loss that tears or drops every
 * unforced write still leaves the forced record intact. With three slots one is always free. When
 * the durable slot is unknown (a file opened after someone else wrote it), the caller forces once
 * before its first write. Guarded by the owning file's write lock.
 */
final class TailSlots {
  private static final int NONE = -1;

  private final long[] sequence = new long[Geometry.TAIL_SLOTS];
  private int latest;
  private int durable = NONE;
  private boolean durableKnown;

  /** A new file: its first record is in slot 0 and nothing is durable yet. */
  static TailSlots forNewFile(long firstSequence) {
    TailSlots s = new TailSlots();
    s.sequence[0] = firstSequence;
    s.latest = 0;
    s.durableKnown = true;
    return s;
  }

  /**
   * An existing file whose authentic records have the given sequences (0 for a slot with none) and
   * whose newest is in {@code latest}. Which of them is durable is unknown until the next force.
   */
  static TailSlots forExistingFile(long[] sequences, int latest) {
    TailSlots s = new TailSlots();
    System.arraycopy(sequences, 0, s.sequence, 0, Geometry.TAIL_SLOTS);
    s.latest = latest;
    s.durableKnown = false;
    return s;
  }

  /** True when the caller must force before overwriting any slot. */
  boolean needsForceBeforeWrite() {
    return !durableKnown;
  }

  long latestSequence() {
    return sequence[latest];
  }

  int latest() {
    return latest;
  }

  /** The slot the next record goes to: neither the newest nor the durable one; oldest first. */
  int next() {
    int best = NONE;
    for (int slot = 0; slot < Geometry.TAIL_SLOTS; slot++) {
      if (slot == latest || slot == durable) {
        continue;
      }
      if (best == NONE || sequence[slot] < sequence[best]) {
        best = slot;
      }
    }
    return best;
  }

  /** Records that {@code slot} now holds the newest record, {@code seq}. */
  void written(int slot, long seq) {
    sequence[slot] = seq;
    latest = slot;
  }

  /** Records that everything written so far is durable. */
  void forced() {
    durable = latest;
    durableKnown = true;
  }
}
