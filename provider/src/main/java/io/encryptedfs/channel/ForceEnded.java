package io.encryptedfs.channel;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The end of a force, which a writer that found every tail slot protected waits for ({@link
 * TailRecordWriter#awaitForceEnd}): a condition of the file's write lock.
 *
 * <p>A virtual thread on JDK 21 to 23 waits in {@code Object.wait} instead, on a monitor of this
 * object's, for which the JDK adds a carrier: waiting on the condition, a thread that a monitor
 * pins (a {@code synchronized} block of the caller's pins unseen) keeps its carrier, and the force
 * it waits for may need it. The end of a force wakes it at once, as it wakes the condition's
 * waiters: a writer that only slept its pause out waited 10 ms for each force it met, and 400
 * virtual threads appending to one file and forcing every 50 records took four times as long as
 * with the condition.
 */
final class ForceEnded {
  private final ReentrantReadWriteLock.WriteLock writeLock;
  private final Condition ended;
  private final Object endedMonitor = new Object();

  /** How many times {@link #signalAll} has run; changed under the write lock. */
  private volatile long ends;

  ForceEnded(ReentrantReadWriteLock lock) {
    this.writeLock = lock.writeLock();
    this.ended = writeLock.newCondition();
  }

  /**
   * Waits under the write lock, letting it go meanwhile, until a force ends, or on a virtual thread
   * of JDK 21 to 23 at most {@link PinnedLocks#MAX_PAUSE_MILLIS}: the caller looks again either
   * way, as after any wake-up of a condition.
   */
  void await() {
    if (!PinnedLocks.pausesHolding(writeLock)) {
      ended.awaitUninterruptibly();
      return;
    }
    long seen = ends;
    writeLock.unlock();
    boolean interrupted = Thread.interrupted();
    try {
      synchronized (endedMonitor) {
        // Read under the monitor, which signalAll takes after the count: an end that came after
        // the write lock was let go is either seen here or wakes the wait.
        if (ends == seen) {
          endedMonitor.wait(PinnedLocks.MAX_PAUSE_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      PinnedLocks.lock(writeLock);
    }
  }

  /** Wakes every writer waiting in {@link #await}; takes the write lock to do so. */
  void signalAll() {
    PinnedLocks.lock(writeLock);
    try {
      ends++;
      ended.signalAll();
    } finally {
      writeLock.unlock();
    }
    synchronized (endedMonitor) {
      endedMonitor.notifyAll();
    }
  }
}
