package io.encryptedfs.channel;

import java.io.IOException;

/**
 * The flush that a buffered write's time bound runs ({@link DelayedTail}), on the timer's thread
 * under the file's write lock ({@link SessionEnd#timedFlush}). No caller waits for it, so a failure
 * is logged, not thrown: the tail waits in memory, and the next write, force or close, which also
 * retries it, reports it. Nor does it wait long for the lock: one thread runs every file's flushes,
 * and a file whose lock is held longer is left for a later try ({@link DelayedTail}).
 */
final class TimedTailFlush {
  // Under the open file's name, which a logging configuration may already name.
  private static final System.Logger LOG = System.getLogger(OpenFile.class.getName());

  private final FileName path;
  private final FileView view;
  private final FileWrites writes;
  private final DelayedTail delayed;

  /** For the file whose writes are {@code writes}, its buffered tail {@code delayed}. */
  TimedTailFlush(FileName path, FileView view, FileWrites writes, DelayedTail delayed) {
    this.path = path;
    this.view = view;
    this.writes = writes;
    this.delayed = delayed;
  }

  /**
   * How long the timer waits in a file's lock queue before it leaves the file for a later try:
   * longer than the lock's ordinary holds (a block sealed and written) and a short queue of them,
   * which it waits out as it always did; short, since every other file's flush waits meanwhile.
   */
  static final long QUEUED_NANOS = 1_000_000;

  /**
   * The time bound of buffered write {@code number} has passed: hands its record to the underlying
   * file. A failure leaves the tail waiting in memory; the next write, force or close also retries
   * it and reports it.
   */
  void run(long number) {
    try {
      delayed.flushRuns(number);
      int failedBefore = delayed.failures();
      if (!view.closed()) {
        writes.flushTail();
      }
      if (failedBefore > 0 && !delayed.dirty()) {
        LOG.log(
            System.Logger.Level.INFO,
            path + ": delayed tail write succeeded after " + failedBefore + " failed tries");
      }
    } catch (IOException e) {
      int failures = delayed.flushFailed();
      LOG.log(
          failures == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
          path
              + ": delayed tail write failed (try "
              + failures
              + ", will retry): "
              + e.getMessage());
    }
  }
}
