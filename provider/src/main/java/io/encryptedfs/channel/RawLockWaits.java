package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * This program's waits for ranges of one underlying file that another program holds ({@link
 * RawLockWait}), each on a waiter thread of its own, for {@link RawLocks}; and the waits whose
 * callers have gone, which a later caller of the same range may take over. Guarded, as {@link
 * RawLocks} is, by the {@link ReopeningChannel}'s monitor.
 */
final class RawLockWaits {
  private final ReopeningChannel file;

  /** The waits under way, ended ones removed. */
  private final List<RawLockWait> waits = new ArrayList<>();

  /**
   * How many waits have ended and been removed, written under the monitor: a range refused as
   * overlapping a wait that then ended, before it could be found in {@link #waits}, is tried again.
   */
  private volatile long ended;

  RawLockWaits(ReopeningChannel file) {
    this.file = file;
  }

  /** How many waits have ended so far; see {@link #ended}. */
  long endedCount() {
    return ended;
  }

  /** Starts a wait for {@code lock}'s range on a waiter thread. */
  RawLockWait start(EncryptedFileLock lock, RawLockWait.Caller caller) throws IOException {
    if (caller.stopped()) {
      throw new AsynchronousCloseException();
    }
    RawLockWait wait = new RawLockWait(lock.rawPosition(), lock.rawSize(), lock.isShared(), caller);
    synchronized (file) {
      waits.add(wait);
    }
    RawLockWait.start(() -> waitOnThisThread(wait));
    return wait;
  }

  /**
   * The waiter thread's part: waits on the underlying channel, taking a reopened one if an
   * interrupt elsewhere closed it, and gives the range back if nobody waits for it any more.
   */
  private void waitOnThisThread(RawLockWait wait) {
    try {
      while (true) {
        FileChannel c = file.current();
        try {
          FileLock raw = c.lock(wait.position(), wait.size(), wait.shared());
          if (!wait.grant(raw, c)) {
            RawLockWait.release(raw);
          }
          return;
        } catch (ClosedChannelException e) {
          if (wait.endIfNobodyWaits()) {
            return;
          }
          // Throws if the file itself was closed; otherwise wait on the reopened channel.
          ReopeningChannel.restore(file.reopenAfter(c, e));
        } catch (OverlappingFileLockException e) {
          if (!afterAbandonedWait(wait)) {
            throw e;
          }
          if (wait.endIfNobodyWaits()) {
            return;
          }
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      wait.fail(e);
    } finally {
      synchronized (file) {
        waits.remove(wait);
        ended++;
      }
    }
  }

  /**
   * {@code wait}'s thread was refused its range as overlapping one this program waits for or holds:
   * its caller found the range held by another program, but since then a wait whose caller had gone
   * got to the JDK first (its thread had not yet run), or such a wait was granted and is giving the
   * range back. Hands the caller to the first if it is for the same range and kind, and returns
   * true; or, while the second gives the range back, pauses and returns true for the thread to try
   * again; false if neither is in the way (the caller then gets the refusal, as a plain channel's
   * would).
   */
  private boolean afterAbandonedWait(RawLockWait wait) {
    boolean endedInTheWay = false;
    synchronized (file) {
      for (RawLockWait first : waits) {
        if (first != wait && first.abandonedOverlapping(wait.position(), wait.size())) {
          if (wait.handTo(first)) {
            return true;
          }
          endedInTheWay |= first.hasEnded();
        }
      }
    }
    if (endedInTheWay) {
      LockSupport.parkNanos(100_000);
    }
    return endedInTheWay;
  }

  /** An abandoned wait for {@code lock}'s range and kind, now {@code caller}'s; null if none. */
  RawLockWait adopt(EncryptedFileLock lock, RawLockWait.Caller caller) {
    synchronized (file) {
      for (RawLockWait wait : waits) {
        if (wait.adopt(lock.rawPosition(), lock.rawSize(), lock.isShared(), caller)) {
          return wait;
        }
      }
      return null;
    }
  }

  /**
   * Whether a wait other than {@code mine} (null if none) is for a range that holds the caller's
   * last byte ({@link EncryptedFileLock#holdsLastByte}), whether or not its caller has gone: it
   * waits for, or is giving back, the underlying range that reaches {@code Long.MAX_VALUE}. A wait
   * granted to its caller is not, though it stays listed until its thread has dropped it: the range
   * is that caller's lock now, which may already have been released.
   */
  boolean lastByteWaitedFor(RawLockWait mine) {
    synchronized (file) {
      for (RawLockWait wait : waits) {
        if (wait != mine && wait.holdsLastByte() && wait.mayTakeTheRange()) {
          return true;
        }
      }
      return false;
    }
  }

  /** Whether an abandoned wait overlaps {@code lock}'s range. */
  boolean abandonedOverlaps(EncryptedFileLock lock) {
    synchronized (file) {
      for (RawLockWait wait : waits) {
        if (wait.abandonedOverlapping(lock.rawPosition(), lock.rawSize())) {
          return true;
        }
      }
      return false;
    }
  }
}
