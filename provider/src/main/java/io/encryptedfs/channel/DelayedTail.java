package io.encryptedfs.channel;

/**
 * The tail record a buffered write leaves waiting (see {@link WriteMode}): whether the tail block
 * changed in memory since the newest record, and whether the flush that writes its record once the
 * mode's bound has passed is already scheduled, so that a run of small writes schedules one flush,
 * not one each. Guarded by the owning file's write lock, which the flush takes too.
 */
final class DelayedTail {
  private final WriteMode mode;
  private final TailFlusher flusher;
  private final Runnable flush;
  private boolean dirty;
  private boolean scheduled;

  /** @param flusher runs {@code flush} once the mode's bound has passed; null when not buffered */
  DelayedTail(WriteMode mode, TailFlusher flusher, Runnable flush) {
    this.mode = mode;
    this.flusher = flusher;
    this.flush = flush;
  }

  /** The tail block changed in memory only: its record waits, for the mode's bound at most. */
  void changed() {
    dirty = true;
    if (!scheduled && flusher != null) {
      scheduled = true;
      flusher.schedule(flush, mode.bound());
    }
  }

  /** A record of the file's current state was written: nothing waits. */
  void recorded() {
    dirty = false;
  }

  /** True while the newest record lags the tail block in memory. */
  boolean dirty() {
    return dirty;
  }

  /** The scheduled flush runs: the next change schedules another. */
  void flushRuns() {
    scheduled = false;
  }
}
