package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A wait for a range of the underlying file that another program holds, run on a thread of its own.
 * The JDK ends a thread's wait in {@code FileChannel.lock} only when that thread is interrupted or
 * that channel closes, and all channels on a file share one underlying channel, whose close would
 * give up every lock this program holds on the file. With the wait here, the caller stops waiting
 * when its own channel closes or it is interrupted, as on a plain channel, and the rest of the
 * program keeps its locks. The wait itself cannot be called off: it goes on without a caller until
 * the range is granted, and then gives it back at once, unless a new caller of the same range and
 * kind has taken it over ({@link #adopt}): by finding it when its own {@code tryLock} is refused as
 * overlapping it, or, when the abandoned wait's thread reached the JDK only after that {@code
 * tryLock}, through the new wait's thread ({@link #handTo}).
 */
final class RawLockWait {
  private static final ExecutorService WAITERS =
      Executors.newCachedThreadPool(DaemonThreads.named("encryptedfs-lock-wait"));

  /**
   * One call of {@code lock} on an encrypted channel, which that channel's close stops. Volatile
   * fields on both sides, each written before the other is read, so that a stop never misses a wait
   * that has begun, nor a wait a stop that came first.
   */
  static final class Caller {
    private final boolean interruptible;
    private volatile boolean stopped;
    private volatile RawLockWait waiting;

    /**
     * @param interruptible whether an interrupt ends the wait ({@code FileChannel.lock}), or is
     *     kept for after it (an asynchronous channel's lock, whose wait the JDK's does not end)
     */
    Caller(boolean interruptible) {
      this.interruptible = interruptible;
    }

    /** The caller's channel closed: it stops waiting. */
    void stop() {
      stopped = true;
      RawLockWait w = waiting;
      if (w != null) {
        w.wake();
      }
    }

    boolean stopped() {
      return stopped;
    }
  }

  /** The range, granted on {@code channel}, which then belongs to the caller. */
  record Granted(FileLock lock, FileChannel channel) {}

  private final long position;
  private final long size;
  private final boolean shared;

  /** Guarded by this monitor: who waits for the range now; null when nobody does. */
  private Caller caller;

  /** Guarded by this monitor: the wait is over (granted, failed, or given back). */
  private boolean ended;

  private Granted granted;
  private Throwable failure;

  /** Guarded by this monitor: granted with nobody waiting, so its waiter gives the range back. */
  private boolean givingBack;

  /** Guarded by this monitor: the wait this one's caller was handed to ({@link #handTo}). */
  private RawLockWait next;

  RawLockWait(long position, long size, boolean shared, Caller caller) {
    this.position = position;
    this.size = size;
    this.shared = shared;
    this.caller = caller;
  }

  long position() {
    return position;
  }

  long size() {
    return size;
  }

  boolean shared() {
    return shared;
  }

  /** Runs {@code wait} on a thread of the waiters' pool. */
  static void start(Runnable wait) {
    WAITERS.execute(wait);
  }

  /**
   * Waits until the range is granted (and returns it), the wait fails, {@code me}'s channel closes
   * ({@code AsynchronousCloseException}) or, if {@code me} is interruptible, this thread is
   * interrupted ({@code FileLockInterruptionException}, the interrupt kept), as {@code
   * FileChannel.lock} does. A caller that stops leaves the wait to go on without it.
   */
  Granted await(Caller me) throws IOException {
    me.waiting = this;
    // An interrupt before this call (a wait handed on, see handTo) counts as one during it.
    boolean interrupted = me.interruptible && Thread.interrupted();
    boolean kept = false;
    RawLockWait handedTo;
    synchronized (this) {
      long millis = MonitorWaits.FIRST_MILLIS;
      while (!interrupted && !ended && !me.stopped()) {
        try {
          millis = MonitorWaits.waitOn(this, millis);
        } catch (InterruptedException e) {
          if (me.interruptible) {
            interrupted = true;
            break;
          }
          // Set again once the wait ends: it does not end the wait.
          kept = true;
        }
      }
      ReopeningChannel.restore(kept);
      handedTo = next;
      if (handedTo != null) {
        // Waits there now, where a close, an interrupt or the grant ends the call as here.
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      } else if (interrupted) {
        // As FileChannel.lock: an interrupt ends the call without the lock, even one granted in
        // that instant.
        if (granted != null) {
          release(granted.lock());
          granted = null;
        } else {
          caller = null;
        }
        Thread.currentThread().interrupt();
        throw new FileLockInterruptionException();
      } else if (granted != null) {
        Granted mine = granted;
        granted = null;
        return mine;
      } else if (me.stopped()) {
        caller = null;
        throw new AsynchronousCloseException();
      } else {
        throw Failures.rethrown(failure); // the waiter thread's
      }
    }
    return handedTo.await(me);
  }

  /**
   * The range was granted: hands it to the caller and returns true, or returns false when nobody
   * waits for it any more, and the waiter gives it back.
   */
  synchronized boolean grant(FileLock lock, FileChannel on) {
    ended = true;
    if (caller == null) {
      givingBack = true;
      return false;
    }
    granted = new Granted(lock, on);
    notifyAll();
    return true;
  }

  /** The wait failed; the caller, if any, gets {@code e}. */
  synchronized void fail(Throwable e) {
    ended = true;
    failure = e;
    notifyAll();
  }

  /** Ends the wait if nobody waits for it any more; returns whether it did. */
  synchronized boolean endIfNobodyWaits() {
    if (caller == null) {
      ended = true;
    }
    return ended;
  }

  /**
   * {@code next} takes over this wait if it is for the same range and kind and nobody waits for it;
   * returns whether it did. (The JDK refuses a second wait for a range this program already waits
   * for, so a new caller could not wait beside an abandoned wait.)
   */
  synchronized boolean adopt(long position, long size, boolean shared, Caller next) {
    if (ended
        || caller != null
        || this.position != position
        || this.size != size
        || this.shared != shared) {
      return false;
    }
    caller = next;
    return true;
  }

  /**
   * This wait's thread found {@code first}, an abandoned wait for the same range and kind, already
   * waiting in the JDK, which refuses a second: the caller waits there instead, and this wait ends.
   * Returns false if {@code first} cannot take it ({@link #adopt}); true also when nobody waits
   * here any more, with nothing to hand over. {@code first}'s thread waits in the JDK, never here,
   * so the two monitors are always taken in this order.
   */
  synchronized boolean handTo(RawLockWait first) {
    if (caller != null) {
      if (!first.adopt(position, size, shared, caller)) {
        return false;
      }
      next = first;
    }
    ended = true;
    notifyAll();
    return true;
  }

  /**
   * Whether nobody waits for this range any more, and it overlaps {@code [position, +size)} (both
   * holding the caller's last byte counts). Also once the wait has ended, until its waiter has
   * given the range back and dropped it.
   */
  synchronized boolean abandonedOverlapping(long position, long size) {
    return caller == null
        && ((position < this.position + this.size && this.position < position + size)
            || (holdsLastByte() && position + size == Long.MAX_VALUE));
  }

  /**
   * Whether the range reaches the end of the underlying file's lockable ranges, and so holds the
   * caller's last byte ({@link EncryptedFileLock#holdsLastByte}), where two ranges overlap whatever
   * their sizes (one may be of size zero).
   */
  boolean holdsLastByte() {
    return position + size == Long.MAX_VALUE;
  }

  /**
   * Whether its waiter may still take the range, or hold it to give it back: false once it was
   * granted to its caller (whose lock it is now), failed or handed on.
   */
  synchronized boolean mayTakeTheRange() {
    return !ended || givingBack;
  }

  /** Whether the wait is over (granted, failed, given back or handed on). */
  synchronized boolean hasEnded() {
    return ended;
  }

  /** Gives {@code raw} back; a closed channel released it already. */
  static void release(FileLock raw) {
    try {
      raw.release();
    } catch (IOException e) {
      // The channel closed under it, which released it.
    }
  }

  private synchronized void wake() {
    notifyAll();
  }
}
