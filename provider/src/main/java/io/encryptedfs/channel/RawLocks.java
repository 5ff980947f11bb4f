package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The locks this program holds on one underlying file: its callers' ranges ({@link
 * EncryptedFileLock}) and the writer session's lock on byte 0 ({@link #claimWriter}), kept so that
 * a reopen of the channel ({@link ReopeningChannel}) takes them back. Its state is guarded by the
 * {@link ReopeningChannel}'s monitor, which it takes to record a lock only while the channel the
 * lock is on is still the current one. A wait for a range another program holds runs on a thread of
 * its own ({@link RawLockWaits}), so that only the caller's own channel's close or interrupt ends
 * the caller's part of it.
 */
final class RawLocks {
  private static final System.Logger LOG = System.getLogger(RawLocks.class.getName());

  private final ReopeningChannel file;
  private final boolean writable;
  private final Set<EncryptedFileLock> locks = new LinkedHashSet<>();

  private final RawLockWaits waits;

  /** The lock on its way to hold the caller's last byte ({@link #claimLastByte}); or null. */
  private EncryptedFileLock lastByteTaker;

  /** The writer session's lock on byte 0 ({@link #claimWriter}); null when not held. */
  private volatile FileLock writerLock;

  /** The underlying file system cannot lock: a writer session goes on without the lock. */
  private volatile boolean cannotLock;

  /** A reopen took the writer lock back: the next claim reports it taken, not held. */
  private volatile boolean writerRetaken;

  /**
   * @param file the channel these locks are on, which makes them (see {@link
   *     ReopeningChannel#locks})
   * @param writable whether the file is open for writing, which a probe's lock must match
   */
  RawLocks(ReopeningChannel file, boolean writable) {
    this.file = file;
    this.writable = writable;
    this.waits = new RawLockWaits(file);
  }

  /** See {@link RawFile#tryLock}. */
  boolean tryLock(EncryptedFileLock lock) throws IOException {
    return take(lock, null);
  }

  /** See {@link RawFile#lock}. */
  void lock(EncryptedFileLock lock, RawLockWait.Caller caller) throws IOException {
    take(lock, caller);
  }

  /**
   * Takes {@code lock}'s range, waiting for {@code caller} while another program holds it, or
   * returning false then if {@code caller} is null.
   */
  private boolean take(EncryptedFileLock lock, RawLockWait.Caller caller) throws IOException {
    try {
      return takeClaimed(lock, caller);
    } finally {
      if (lock.holdsLastByte()) {
        synchronized (file) {
          if (lastByteTaker == lock) {
            lastByteTaker = null;
          }
        }
      }
    }
  }

  private boolean takeClaimed(EncryptedFileLock lock, RawLockWait.Caller caller)
      throws IOException {
    RawLockWait mine = null;
    while (true) {
      long ended = waits.endedCount();
      FileChannel c = file.current();
      FileLock raw = null;
      RawLockWait wait = null;
      try {
        claimLastByte(lock, mine);
        raw = c.tryLock(lock.rawPosition(), lock.rawSize(), lock.isShared());
      } catch (ClosedByInterruptException e) {
        ReopeningChannel.restore(file.reopenAfter(c, e));
        throw e;
      } catch (ClosedChannelException e) {
        ReopeningChannel.restore(file.reopenAfter(c, e));
        continue;
      } catch (OverlappingFileLockException e) {
        if (caller == null && waits.abandonedOverlaps(lock)) {
          // Only this program's abandoned wait is in the way, and it waits because another
          // program holds the range: busy, as a plain channel would find it.
          return false;
        }
        wait = caller == null ? null : waits.adopt(lock, caller);
        if (wait == null) {
          if (waits.endedCount() != ended) {
            continue;
          }
          throw e;
        }
        if (lock.holdsLastByte()) {
          synchronized (file) {
            // Only the adopted wait was in the way (no lock of this program holds the last byte
            // while one waits for it), so the byte is this caller's to take now.
            lastByteTaker = lock;
          }
        }
      }
      if (raw == null && wait == null) {
        if (caller == null) {
          return false;
        }
        wait = waits.start(lock, caller);
      }
      if (wait != null) {
        mine = wait;
        // Its exceptions are the caller's: its channel's close, its interrupt, or the file's close.
        RawLockWait.Granted granted = wait.await(caller);
        raw = granted.lock();
        c = granted.channel();
      }
      if (hold(lock, raw, c)) {
        return true;
      }
    }
  }

  /**
   * Records {@code raw}, taken on {@code c}, as {@code lock}'s; false if {@code c} was closed since
   * and a reopen did not know about the lock, which must then be taken again.
   */
  private boolean hold(EncryptedFileLock lock, FileLock raw, FileChannel c) {
    synchronized (file) {
      if (!file.isCurrent(c)) {
        return false;
      }
      lock.holdAs(raw);
      locks.add(lock);
      return true;
    }
  }

  /**
   * Makes {@code lock} the one lock of this program on its way to hold the caller's last byte,
   * {@code Long.MAX_VALUE - 1} ({@link EncryptedFileLock#holdsLastByte}), or refuses it as the JDK
   * refuses a range this program holds or waits for already. One byte up that byte has no room in a
   * {@code FileLock}'s range, so the JDK's table of this program's locks cannot see that two such
   * locks overlap; and the underlying lock of that byte alone is of size zero (every byte from
   * {@code Long.MAX_VALUE} on), which the operating system gives the process again though it holds
   * it, and whose release by either gives it up for both. So a second lock of it, or a wait for it,
   * must never reach the underlying file while one is held or on its way. {@code mine} is the
   * caller's own wait, if it has one.
   */
  private void claimLastByte(EncryptedFileLock lock, RawLockWait mine) {
    if (!lock.holdsLastByte()) {
      return;
    }
    synchronized (file) {
      if (lastByteTaker != null && lastByteTaker != lock) {
        throw new OverlappingFileLockException();
      }
      for (EncryptedFileLock held : locks) {
        if (held.holdsLastByte()) {
          throw new OverlappingFileLockException();
        }
      }
      if (waits.lastByteWaitedFor(mine)) {
        throw new OverlappingFileLockException();
      }
      lastByteTaker = lock;
    }
  }

  /** See {@link RawFile#claimWriter}. */
  RawFile.Claim claimWriter(FileName name) throws IOException {
    RawFile.Claim known = knownClaim();
    if (known != null) {
      return known;
    }
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        FileChannel c = file.current();
        FileLock taken;
        try {
          taken = c.tryLock(0, 1, false);
        } catch (ClosedChannelException e) {
          interrupted |= file.reopenAfter(c, e);
          // The reopen took back the lock if this file held it on the closed channel.
          known = knownClaim();
          if (known != null) {
            return known;
          }
          continue;
        } catch (OverlappingFileLockException e) {
          // A lock of this program on the same file through another channel: another encrypted
          // file system that reaches it (a nested root, a hard link); a caller's locks never reach
          // byte 0.
          return RawFile.Claim.BUSY;
        } catch (IOException | UnsupportedOperationException e) {
          cannotLock = true;
          LOG.log(
              System.Logger.Level.WARNING,
              name
                  + ": the underlying file system cannot lock files ("
                  + e.getClass().getSimpleName()
                  + "), so a second writer in another program would not be detected");
          return RawFile.Claim.TAKEN;
        }
        if (taken == null) {
          return RawFile.Claim.BUSY;
        }
        synchronized (file) {
          if (!file.isCurrent(c) || file.isClosed()) {
            // Reopened meanwhile: the lock went with the old channel.
            if (file.isClosed()) {
              throw new ClosedChannelException();
            }
            continue;
          }
          writerLock = taken;
          return RawFile.Claim.TAKEN;
        }
      }
    } finally {
      ReopeningChannel.restore(interrupted);
    }
  }

  /**
   * The claim this file has without taking the lock: taken back by a reopen (to be checked), held,
   * or moot where the file system cannot lock; null when it must be taken.
   */
  private RawFile.Claim knownClaim() {
    if (writerRetaken) {
      synchronized (file) {
        writerRetaken = false;
        if (writerLock != null) {
          // A reopen took it back; someone may have written while the file was unlocked.
          return RawFile.Claim.TAKEN;
        }
      }
    }
    FileLock held = writerLock;
    if (held != null && held.isValid()) {
      return RawFile.Claim.HELD;
    }
    return cannotLock ? RawFile.Claim.HELD : null;
  }

  /** See {@link RawFile#writerBusy}. */
  boolean writerBusy() throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        FileChannel c = file.current();
        try {
          FileLock probe = c.tryLock(0, 1, !writable);
          if (probe == null) {
            return true;
          }
          probe.release();
          return false;
        } catch (ClosedChannelException e) {
          interrupted |= file.reopenAfter(c, e);
        } catch (OverlappingFileLockException e) {
          return true;
        } catch (IOException | UnsupportedOperationException e) {
          return false;
        }
      }
    } finally {
      ReopeningChannel.restore(interrupted);
    }
  }

  /** Whether this file holds the writer lock (or cannot lock, and claimed it). */
  boolean writerHeld() {
    FileLock held = writerLock;
    return (held != null && held.isValid()) || cannotLock;
  }

  /** Gives the writer lock up (a session that found the file changed does not write). */
  void releaseWriter() throws IOException {
    FileLock held;
    synchronized (file) {
      held = writerLock;
      writerLock = null;
    }
    if (held != null && held.isValid()) {
      try {
        held.release();
      } catch (ClosedChannelException e) {
        // An interrupt of another thread closed the channel since the look, which released it.
      }
    }
  }

  /** See {@link RawFile#unlocked}. */
  boolean unlocked(EncryptedFileLock lock) {
    synchronized (file) {
      return locks.remove(lock) && locks.isEmpty();
    }
  }

  /** See {@link RawFile#locked}. */
  boolean anyHeld() {
    synchronized (file) {
      return !locks.isEmpty();
    }
  }

  /** The channel was reopened as {@code fresh}: takes the held locks back. Under the monitor. */
  void takeBack(FileChannel fresh) {
    for (EncryptedFileLock lock : locks) {
      lock.takeBack(fresh);
    }
    if (writerLock != null) {
      // Lost if another writer took it in between: the next write claims it again, and then
      // checks what that writer did.
      writerLock = takeWriterBack(fresh);
      writerRetaken = true;
    }
  }

  /**
   * The file closes: releases its locks, one by one, as the JDK's close of the channel would, so
   * that a descriptor kept open afterwards holds none ({@link SameFileDescriptors}). Under the
   * monitor.
   */
  void releaseAll() {
    for (EncryptedFileLock lock : locks) {
      lock.releaseRawOnly();
    }
    locks.clear();
    FileLock held = writerLock;
    writerLock = null;
    if (held != null && held.isValid()) {
      try {
        held.release();
      } catch (IOException e) {
        // The channel closed under it (an interrupt), which released it.
      }
    }
  }

  private static FileLock takeWriterBack(FileChannel fresh) {
    try {
      return fresh.tryLock(0, 1, false);
    } catch (IOException | OverlappingFileLockException e) {
      return null;
    }
  }
}
