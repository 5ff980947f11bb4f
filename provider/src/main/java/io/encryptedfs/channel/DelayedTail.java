package io.encryptedfs.channel;

import java.time.Duration;
import java.util.function.LongPredicate;

/**
 * The tail record a buffered write leaves waiting (see {@link WriteMode}): whether the tail block
 * changed in memory since the newest record, and whether the flush that writes its record once the
 * mode's bound has passed is already scheduled, so that a run of small writes schedules one flush,
 * not one each. Guarded by the owning file's write lock, which the flush takes too.
 *
 * <p>A flush that fails is tried again at growing intervals (see {@link #flushFailed}). Each
 * scheduled flush carries a number, so that a retry still pending when the disk has recovered does
 * not stand in for the flush a new change needs within the bound: a stale flush that runs early
 * writes a record sooner than needed, which is harmless.
 *
 * <p>A flush that finds the file's lock held for long (see {@link SessionEnd#timedFlush}) is tried
 * again shortly under its number ({@link #busyDelay}), and stays the one scheduled meanwhile: the
 * timer's one thread runs every file's flushes, and when it waited for such a lock (a read stalled
 * in the underlying file system holding it), every other file's flush waited too, past its bound.
 */
final class DelayedTail {
  /** The longest wait between tries of a flush that keeps failing, unless the bound is longer. */
  static final Duration RETRY_CAP = Duration.ofSeconds(1);

  /** The wait before a flush that found its file's lock held is tried again the first time. */
  static final Duration BUSY_FIRST = Duration.ofMillis(1);

  /**
   * The longest wait between tries of a flush that finds its file's lock held, unless the bound is
   * shorter: about how late its record goes out once the lock is let go.
   */
  static final Duration BUSY_CAP = Duration.ofMillis(10);

  private final WriteMode mode;
  private final TailFlusher flusher;
  private final LongPredicate flush;
  private boolean dirty;
  private long newest; // the number of the newest scheduled flush
  private boolean scheduled; // the newest scheduled flush has not run yet
  private boolean retry; // the newest scheduled flush is a retry, due later than the bound
  private int failures;
  private boolean overdue; // a close could not write the record, so only the timer will
  private boolean unreported; // changed since a close last reported that it could not write

  /**
   * @param flusher runs {@code flush} once the mode's bound has passed; null when not buffered
   * @param flush given the flush's number, takes the file's write lock, calls {@link #flushRuns}
   *     and writes the record if the tail is still {@link #dirty}; or returns false, having done
   *     neither, if another thread holds the lock for long
   */
  DelayedTail(WriteMode mode, TailFlusher flusher, LongPredicate flush) {
    this.mode = mode;
    this.flusher = flusher;
    this.flush = flush;
  }

  /**
   * Whether a write that changes only the tail block lets its record wait (see {@link WriteMode}).
   */
  boolean buffered() {
    return mode.buffered();
  }

  /** The tail block changed in memory only: its record waits, for the mode's bound at most. */
  void changed() {
    dirty = true;
    unreported = true;
    // A pending retry is later than the bound; it stands only while the disk still fails.
    if (!scheduled || (retry && failures == 0)) {
      schedule(mode.bound(), false);
    }
  }

  /** A record of the file's current state was written: nothing waits. */
  void recorded() {
    dirty = false;
    failures = 0;
    overdue = false;
  }

  /** True while the newest record lags the tail block in memory. */
  boolean dirty() {
    return dirty;
  }

  /** Flush {@code number} runs: once the newest has, the next change schedules another. */
  void flushRuns(long number) {
    if (number == newest) {
      scheduled = false;
    }
  }

  /**
   * The flush failed and the record still waits: tries again, first after the bound, then after
   * twice as long each time up to {@link #RETRY_CAP}, so that an underlying file that refuses
   * writes for a while is not retried in a loop, and the record still goes out within a second or
   * so of it accepting them again. Without this the record would wait for the program's next write,
   * force or close, however long that is.
   *
   * @return how many flushes in a row have failed, this one included
   */
  int flushFailed() {
    failures++;
    if (dirty && !scheduled) {
      schedule(retryDelay(retryBase(), failures), true);
    }
    return failures;
  }

  /**
   * The close of the file's last channel could not write the record: the file stays open for it
   * (see {@link SessionEnd#close}), and the timer is now the only thing that writes it. Tried again
   * as after a failed flush, but starting at and capped by {@link #RETRY_CAP} when the bound is
   * longer: the close was the moment the record was due, so a long bound no longer says how long it
   * may wait, and the record goes out within about a second of the disk accepting it again. A flush
   * already pending stays, and may run early, which is harmless.
   *
   * @return whether the tail changed since a close last failed so: whether the program has yet to
   *     be told that these writes are not handed over
   */
  boolean closeFailed() {
    failures++;
    overdue = true;
    if (dirty) {
      schedule(retryDelay(retryBase(), failures), true);
    }
    boolean news = unreported;
    unreported = false;
    return news;
  }

  /** The first retry's delay, which later ones double up to the cap. */
  private Duration retryBase() {
    Duration bound = mode.bound();
    return overdue && bound.compareTo(RETRY_CAP) > 0 ? RETRY_CAP : bound;
  }

  /** How many flushes in a row have failed since a record was last written. */
  int failures() {
    return failures;
  }

  static Duration retryDelay(Duration bound, int failures) {
    Duration cap = bound.compareTo(RETRY_CAP) > 0 ? bound : RETRY_CAP;
    Duration delay = bound.multipliedBy(1L << Math.min(failures - 1, 20));
    return delay.compareTo(cap) > 0 ? cap : delay;
  }

  private void schedule(Duration delay, boolean isRetry) {
    if (flusher == null) {
      return;
    }
    long number = ++newest;
    scheduled = true;
    retry = isRetry;
    flusher.schedule(() -> attempt(number, 1), delay);
  }

  /**
   * Runs flush {@code number} on the timer's thread, without the file's lock, which is why it reads
   * only final fields; if the file's lock was held, schedules its try {@code tries + 1}.
   */
  private void attempt(long number, int tries) {
    if (!flush.test(number)) {
      flusher.schedule(() -> attempt(number, tries + 1), busyDelay(mode.bound(), tries));
    }
  }

  /**
   * The wait after try {@code tries} of a flush found its file's lock held: {@link #BUSY_FIRST},
   * doubling up to {@link #BUSY_CAP} or the bound if shorter, so that a lock held for long costs
   * the timer a try every 10 ms, not a spin, and a short hold delays the record by little more.
   */
  static Duration busyDelay(Duration bound, int tries) {
    Duration cap = bound.compareTo(BUSY_CAP) < 0 ? bound : BUSY_CAP;
    Duration delay = BUSY_FIRST.multipliedBy(1L << Math.min(tries - 1, 20));
    return delay.compareTo(cap) > 0 ? cap : delay;
  }
}
