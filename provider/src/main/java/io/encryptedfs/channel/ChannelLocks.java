package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.util.ArrayList;
import java.util.List;

/**
 * The file locks one channel acquired and has not released, which its close releases, and its calls
 * still waiting for one, which its close stops. Its monitor guards both lists: the close marks the
 * channel closed before it goes through them, and a lock just acquired joins them only while the
 * channel is open, so a lock acquired while the channel closes is either released by the close or
 * given back at once, never kept behind a closed channel, and a wait that begins as it closes is
 * refused.
 */
final class ChannelLocks {
  private static final boolean ZERO_SIZE_IS_UNBOUNDED = Runtime.version().feature() >= 19;

  private final EncryptedFileChannel channel;
  private final OpenFile file;
  private final boolean writable;
  private final List<EncryptedFileLock> held = new ArrayList<>();

  /** Calls of {@link #lock} still waiting, which the close stops; guarded by {@link #held}. */
  private final List<RawLockWait.Caller> waiting = new ArrayList<>();

  ChannelLocks(EncryptedFileChannel channel, OpenFile file, boolean writable) {
    this.channel = channel;
    this.file = file;
    this.writable = writable;
  }

  /**
   * See {@link java.nio.channels.FileChannel#lock(long, long, boolean)}; if not {@code
   * interruptible}, an interrupt neither ends the call nor closes the channel, but is kept for
   * after it, as for the lock of the JDK's {@code AsynchronousFileChannel}.
   */
  FileLock lock(long position, long size, boolean shared, boolean interruptible)
      throws IOException {
    EncryptedFileLock lock = newLock(position, size, shared);
    RawLockWait.Caller caller = new RawLockWait.Caller(interruptible);
    synchronized (held) {
      if (!channel.isOpen()) {
        throw new AsynchronousCloseException();
      }
      waiting.add(caller);
    }
    try {
      if (interruptible && Thread.currentThread().isInterrupted()) {
        // FileChannel.lock does not begin to wait then, but first refuses a range this program
        // holds: the range is only tried, with no wait left behind for another program's.
        if (file.raw().tryLock(lock)) {
          throw givenBack(lock);
        }
        throw new FileLockInterruptionException();
      }
      file.raw().lock(lock, caller);
      if (interruptible && Thread.currentThread().isInterrupted()) {
        // As FileChannel.lock, an interrupt during the call ends it without the lock, even one
        // granted in that instant (the plain channel's close would release it).
        throw givenBack(lock);
      }
    } catch (FileLockInterruptionException | ClosedByInterruptException e) {
      // The channel closes, as a FileChannel does, and throws what FileChannel.lock declares.
      FileLockInterruptionException interrupted;
      if (e instanceof FileLockInterruptionException thrown) {
        interrupted = thrown;
      } else {
        interrupted = new FileLockInterruptionException();
        interrupted.initCause(e);
      }
      try {
        channel.close();
      } catch (IOException failure) {
        interrupted.addSuppressed(failure);
      }
      throw interrupted;
    } finally {
      synchronized (held) {
        waiting.remove(caller);
      }
    }
    return acquired(lock);
  }

  /**
   * Gives back {@code lock}, granted to a call an interrupt ends; a failure to is kept on the
   * interrupt's exception rather than thrown, so that the channel still closes, as a FileChannel
   * does on an interrupt whatever else fails.
   */
  private static FileLockInterruptionException givenBack(EncryptedFileLock lock) {
    FileLockInterruptionException interrupted = new FileLockInterruptionException();
    try {
      lock.releaseOnClose();
    } catch (IOException failure) {
      interrupted.addSuppressed(failure);
    }
    return interrupted;
  }

  /** See {@link java.nio.channels.FileChannel#tryLock(long, long, boolean)}. */
  FileLock tryLock(long position, long size, boolean shared) throws IOException {
    EncryptedFileLock lock = newLock(position, size, shared);
    return file.raw().tryLock(lock) ? acquired(lock) : null;
  }

  /**
   * A lock of the channel on the range; FileLock's constructor checks the range. From JDK 19
   * (JDK-5041655) a size of zero means every byte from {@code position} on, and the JDK's lock
   * reports that size; the channel follows the JDK it runs on, as for transfers.
   */
  private EncryptedFileLock newLock(long position, long size, boolean shared) {
    if (size == 0 && ZERO_SIZE_IS_UNBOUNDED) {
      size = Long.MAX_VALUE - Math.max(0, position);
    }
    return new EncryptedFileLock(channel, file, position, size, shared);
  }

  /**
   * Keeps {@code lock}, just acquired, after looking at the file again: another program may have
   * written it until it let the lock go, and a plain file's reader would see those writes now. An
   * exclusive lock on a writable channel takes the writer lock in the same look. The lock is kept
   * only if the channel is still open after that look: a close meanwhile did not see it, so it is
   * given back here, and with it the writer lock the look may have taken after the close's
   * hand-off.
   */
  private FileLock acquired(EncryptedFileLock lock) throws IOException {
    if (channel.isOpen()) {
      try {
        if (!lock.isShared() && writable) {
          file.lockedForWriting();
        } else {
          file.catchUp();
        }
      } catch (IOException e) {
        try {
          lock.releaseOnClose();
        } catch (IOException failure) {
          e.addSuppressed(failure);
        }
        throw e;
      }
    }
    synchronized (held) {
      if (channel.isOpen()) {
        held.add(lock);
        return lock;
      }
    }
    // Closed while the lock was being taken: kept, it would stay held, with the writer lock
    // behind it, for as long as other channels keep the file open.
    AsynchronousCloseException closed = new AsynchronousCloseException();
    try {
      lock.releaseOnClose();
    } catch (IOException failure) {
      closed.addSuppressed(failure);
    }
    throw closed;
  }

  /** {@code lock} was released: the close has nothing left to release for it. */
  void forget(EncryptedFileLock lock) {
    synchronized (held) {
      held.remove(lock);
    }
  }

  /** How many locks the close would release. */
  int count() {
    synchronized (held) {
      return held.size();
    }
  }

  /**
   * Stops every call still waiting for a lock and releases every lock still held, once the channel
   * is marked closed; returns the last failure (null if none), after trying them all. The locks are
   * released outside the monitor: the program's last one hands the file off under its write lock
   * ({@link OpenFile#handOff}), and a thread waiting for that lock inside a monitor keeps its
   * carrier before JDK 24, and so does every virtual thread blocked on entering the monitor. Once
   * the channel is marked closed no lock joins the list, so the ones taken here are all there are.
   */
  IOException releaseAll() {
    List<EncryptedFileLock> toRelease;
    synchronized (held) {
      for (RawLockWait.Caller caller : waiting) {
        caller.stop();
      }
      toRelease = new ArrayList<>(held);
      held.clear();
    }
    IOException failure = null;
    for (EncryptedFileLock lock : toRelease) {
      try {
        lock.releaseOnClose();
      } catch (IOException e) {
        failure = e;
      }
    }
    return failure;
  }
}
