package io.encryptedfs.channel;

import io.encryptedfs.crypto.ThreadCache;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Takes the locks on a channel call's path, and waits on their conditions, without keeping a
 * virtual thread's carrier while it waits where a monitor pins the thread to it (JDK 21 to 23).
 *
 * <p>{@link PinnedCalls} moves a call made under a synchronized method to a platform thread when it
 * would wait, but it can only look before the call: a lock taken between its look and the call's
 * {@code lock()} was waited for on the carrier. With one carrier, the virtual thread that held the
 * lock, or the writer queued for it that readers then wait behind, never ran again: {@code
 * OneCarrierTest}'s hundred virtual threads making many kinds of calls hung in 10 of 104 runs on
 * JDK 21, pinned in {@code Files.readAllBytes}' stream waiting for the file's read lock.
 *
 * <p>So a virtual thread on those JDKs first tries the lock, in the lock's own order. Where that
 * fails, it waits in the lock's queue for a short while, 200 µs where a synchronized method is on
 * the stack ({@link SynchronizedFrames}) and 10 ms where none is (a {@code synchronized} block pins
 * unseen: the JDK's {@code PrintWriter} writes in one), and then in {@code Object.wait} for another
 * before it waits in the queue again: the JDK adds a carrier for as long as a wait in {@code
 * Object.wait} lasts, where a wait for the lock would add none. A thread that is not pinned spends
 * its queued waits off its carrier, as with {@code lock()}.
 */
final class PinnedLocks {
  /** The longest pause between two tries. */
  static final long MAX_PAUSE_MILLIS = MonitorWaits.FIRST_MILLIS;

  /** How long a pinned caller waits in a lock's queue, holding its carrier, before it pauses. */
  static final long QUEUED_NANOS = 200_000;

  /** As {@link #QUEUED_NANOS}, for a caller whose stack shows no synchronized method. */
  static final long UNSEEN_QUEUED_NANOS = 10_000_000;

  /** The longest a queued wait grows to while the lock changes hands ({@link #pollFor}). */
  static final long MAX_QUEUED_NANOS = 1_000_000_000;

  /**
   * How many times the locks taken through {@link #lock} on JDK 21 to 23 were taken, in stripes of
   * their identities, 8 longs apart so that two stripes never share a cache line: a waiter whose
   * queued wait timed out tells by its lock's stripe whether the lock changed hands meanwhile.
   */
  private static final AtomicLongArray TAKEN = new AtomicLongArray(64 * 8);

  /** How many pauses {@link #pollFor} has made: each may have cost the JDK a carrier. */
  private static final AtomicLong PAUSES = new AtomicLong();

  private PinnedLocks() {}

  /**
   * {@code lock.lock()}, without keeping a pinned virtual thread's carrier while it waits. A thread
   * with no synchronized method on its stack may still be pinned, by a {@code synchronized} block
   * (the JDK's {@code PrintWriter} writes in one): it waits in the queue for longer, {@link
   * #UNSEEN_QUEUED_NANOS}, which an unpinned thread spends off its carrier, before it pauses.
   */
  static void lock(Lock lock) {
    if (!PinnedCalls.APPLY) {
      lock.lock();
      return;
    }
    if (!ThreadCache.onVirtualThread()) {
      lock.lock();
    } else if (!tryNow(lock)) {
      pollFor(lock, SynchronizedFrames.onStack() ? QUEUED_NANOS : UNSEEN_QUEUED_NANOS);
    }
    TAKEN.incrementAndGet(stripe(lock));
  }

  /**
   * Takes {@code lock} if it is free or comes free within {@code nanos}, waiting in its queue
   * meanwhile as {@link #lock} does; an interrupt neither ends the wait nor is lost. For a caller
   * with other work to do rather than wait long: the buffered mode's timer ({@link
   * SessionEnd#timedFlush}), a platform thread. A pinned virtual thread would keep its carrier for
   * at most {@code nanos}. Counted as {@link #lock}'s takes are, so that its waiters see the lock
   * change hands.
   */
  static boolean tryLock(Lock lock, long nanos) {
    if (!tryFor(lock, nanos)) {
      return false;
    }
    if (PinnedCalls.APPLY) {
      TAKEN.incrementAndGet(stripe(lock));
    }
    return true;
  }

  private static int stripe(Lock lock) {
    return (System.identityHashCode(lock) & 63) * 8;
  }

  /**
   * Whether a wait of the calling thread, holding {@code held} once, is to be a pause in {@code
   * Object.wait} with {@code held} let go ({@link ForceEnded}) rather than a wait on its condition.
   * Every virtual thread of JDK 21 to 23 pauses, pinned as far as the stack shows or not: a {@code
   * synchronized} block pins unseen.
   */
  static boolean pausesHolding(ReentrantReadWriteLock.WriteLock held) {
    return PinnedCalls.APPLY && ThreadCache.onVirtualThread() && held.getHoldCount() == 1;
  }

  /**
   * Takes {@code lock}: waits for it in its queue for at most {@code queuedNanos}, holding the
   * carrier, then pauses and does so again, until it has it; uninterruptible, as {@code lock()} is.
   * Most holds are a block's sealing and writing by a thread that runs meanwhile, which the queued
   * wait outlasts, and a lock let go is handed to its queue's head, where a caller that only tried
   * now and then would mostly find it taken again. A holder that needs this carrier to run makes
   * the queued wait time out, the lock unchanged; the pause after it lets that holder run.
   *
   * <p>A wait that timed out while the lock changed hands was in a long queue that moves: it queues
   * again at once, for twice as long, up to {@link #MAX_QUEUED_NANOS}, so that it gets through the
   * queue rather than go to its tail for good. Pausing there cost more than the wait: for each
   * pause the JDK starts a carrier, and 400 virtual threads appending to one file (queues of about
   * 15 ms) took two to three times as long as with {@code lock()}. A lock of another stripe's
   * changing hands does not count, so a holder left without a carrier is let run within one queued
   * wait.
   */
  private static void pollFor(Lock lock, long queuedNanos) {
    long millis = 1;
    long queued = queuedNanos;
    long taken = TAKEN.get(stripe(lock));
    while (!tryFor(lock, queued)) {
      long now = TAKEN.get(stripe(lock));
      if (now != taken) {
        taken = now;
        queued = Math.min(queued * 2, MAX_QUEUED_NANOS);
        continue;
      }
      boolean interrupted = Thread.interrupted();
      interrupted |= pause(millis);
      restore(interrupted);
      millis = Math.min(millis * 2, MAX_PAUSE_MILLIS);
    }
  }

  /**
   * Takes {@code lock} if {@code lock()} would take it without waiting. The timed {@code tryLock}
   * keeps the lock's order where the untimed one does not: a read lock's untimed {@code tryLock} is
   * had while a writer waits for the lock, which {@code lock()} leaves to the writer, so readers
   * could keep a writer out for good. The timed one throws for an interrupt, which {@code lock()}
   * does not; the interrupt is kept for the caller.
   */
  private static boolean tryNow(Lock lock) {
    return tryFor(lock, 0);
  }

  /** {@code lock.tryLock(nanos)}, which an interrupt neither ends nor loses. */
  private static boolean tryFor(Lock lock, long nanos) {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          return lock.tryLock(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      restore(interrupted);
    }
  }

  /** Waits {@code millis} in {@code Object.wait}; returns whether an interrupt ended it. */
  private static boolean pause(long millis) {
    PAUSES.incrementAndGet();
    Object pause = new Object();
    synchronized (pause) {
      try {
        pause.wait(millis);
        return false;
      } catch (InterruptedException e) {
        return true;
      }
    }
  }

  /** How many pauses waits for locks have made so far in this JVM; for tests. */
  static long pauses() {
    return PAUSES.get();
  }

  private static void restore(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
