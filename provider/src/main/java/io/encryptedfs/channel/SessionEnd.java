package io.encryptedfs.channel;

import io.encryptedfs.crypto.FileKeys;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The end of one open file's session: closing it, which writes what the session owes the file
 * ({@link FileWrites#endSession}) and then forgets its keys and cleartext, or keeping it open,
 * without channels, for a buffered tail whose record a close could not write, until it is written
 * or the program deletes the file ({@link #drop}); and the close of a writing channel that others
 * outlive, which writes a buffered tail's record as the last channel's close would ({@link
 * #writerClosed}). Owns whether the file is so kept, and takes the owning {@link OpenFile}'s lock
 * itself: the write lock to change anything, the read lock to answer.
 */
final class SessionEnd {
  // Under the open file's name, which a logging configuration may already name.
  private static final System.Logger LOG = System.getLogger(OpenFile.class.getName());

  private final ReentrantReadWriteLock lock;
  private final FileName path;
  private final RawFile raw;
  private final FileKeys keys;
  private final FileView view;
  private final FileWrites writes;
  private final FileForce forcing;
  private final TimedTailFlush timed;

  /**
   * The close of its last channel could not write a buffered tail: the file stays open without
   * channels (see {@link #close}) until the timer writes it and tells the file system so.
   */
  private boolean kept;

  private Runnable keptTailTried = () -> {};

  /**
   * @param delayed the buffered tail of {@code writes}, whose record the timer writes here
   */
  SessionEnd(
      ReentrantReadWriteLock lock,
      FileName path,
      RawFile raw,
      FileKeys keys,
      FileView view,
      FileWrites writes,
      FileForce forcing,
      DelayedTail delayed) {
    this.lock = lock;
    this.path = path;
    this.raw = raw;
    this.keys = keys;
    this.view = view;
    this.writes = writes;
    this.forcing = forcing;
    this.timed = new TimedTailFlush(path, view, writes, delayed);
  }

  /** See {@link OpenFile#onKeptTailTried}. */
  void onKeptTailTried(Runnable tried) {
    keptTailTried = tried;
  }

  /**
   * The time bound of buffered write {@code number} has passed: hand its record to the underlying
   * file. On the timer's thread, which runs every file's hand-overs: it waits for this file's lock
   * for {@link TimedTailFlush#QUEUED_NANOS} at most, so that a holder stalled in the underlying
   * file system cannot hold back the others'.
   *
   * @return false, having done nothing, if the lock was held longer; the caller tries again
   */
  boolean timedFlush(long number) {
    boolean keptTried;
    if (!PinnedLocks.tryLock(lock.writeLock(), TimedTailFlush.QUEUED_NANOS)) {
      return false;
    }
    try {
      timed.run(number);
      keptTried = kept && !view.closed();
    } finally {
      lock.writeLock().unlock();
    }
    if (keptTried) {
      // The file system's monitor comes before this file's lock, so it is told after.
      keptTailTried.run();
    }
    return true;
  }

  /**
   * Closes the file: a runway this session's writes left open is closed with a final tail record,
   * so that a cleanly closed file has no allowance and any raw byte appended to it is reported. A
   * reader never writes: the runway another session left open is closed by its next writer.
   *
   * <p>If a buffered tail's record cannot be written (a full disk), the close throws but the file
   * stays open, without channels: those writes were acknowledged, and dropping the tail would lose
   * them. It keeps its writer lock, and its record is tried again on a timer ({@link
   * DelayedTail#closeFailed}); the file system lets it go once that succeeds, gives it to the next
   * channel that opens the file, and tries it a last time when it closes ({@link #closeForced}).
   * See {@link #kept}.
   */
  void close() throws IOException {
    PinnedLocks.lock(lock.writeLock());
    try {
      if (view.closed()) {
        return;
      }
      try {
        writes.endSession();
      } catch (IOException | RuntimeException e) {
        if (!writes.tailWaits()) {
          releaseAfter(e);
          throw e;
        }
        kept = true;
        if (writes.closeFailed()) {
          LOG.log(
              System.Logger.Level.WARNING,
              path
                  + ": closing could not write the buffered last block; kept in memory and"
                  + " retried: "
                  + e.getMessage());
          throw e;
        }
        // A closing channel that neither wrote since nor can do more than the timer does: the
        // program was told at the close that first failed, and the file system's close tells.
        LOG.log(
            System.Logger.Level.DEBUG,
            path + ": closing still cannot write the buffered last block: " + e.getMessage());
        return;
      }
      kept = false;
      release();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Whether the last close kept the file open for a buffered tail it could not write (see {@link
   * #close}); false once a close released it.
   */
  boolean kept() {
    PinnedLocks.lock(lock.readLock());
    try {
      return !view.closed() && kept;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * A writing channel closed while others keep the file open: a buffered tail's record goes out
   * now, as at the last channel's close, unless a failed close left the file to its timer.
   */
  void writerClosed() throws IOException {
    if (!tailWaits() || kept()) {
      return;
    }
    PinnedLocks.lock(lock.writeLock());
    try {
      if (!view.closed()) {
        writes.flushTail();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@link #kept} and {@link #tailWaits}, read at one moment. */
  record State(boolean kept, boolean tailWaits) {}

  /**
   * {@link #kept} and {@link #tailWaits}, or null while another thread holds the file's write lock:
   * the file system's monitor asks, and must not wait for the lock. A thread that waits inside a
   * monitor keeps its carrier before JDK 24 (JEP 491), as does every virtual thread blocked on
   * entering that monitor meanwhile, which can leave no carrier for the virtual thread the lock
   * goes to next. The caller waits outside the monitor ({@link #awaitState}) and asks again.
   */
  State stateIfFree() {
    if (!lock.readLock().tryLock()) {
      return null;
    }
    try {
      return new State(!view.closed() && kept, writes.tailWaits());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Waits until {@link #stateIfFree} may find the file's lock free. Outside any monitor. */
  void awaitState() {
    PinnedLocks.lock(lock.readLock());
    lock.readLock().unlock();
  }

  /** Whether a buffered tail still waits for its record. */
  boolean tailWaits() {
    PinnedLocks.lock(lock.readLock());
    try {
      return writes.tailWaits();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Closes the file as the file system's close does: the session's final record first, then a force
   * that covers it, so that the newest record is the forced one and the next session's first write
   * need not force (see {@link TailSlots#forExistingFile}). The file is closed whatever fails: this
   * is the last try at a buffered tail, and one it cannot write is lost, which the exception says.
   */
  void closeForced() throws IOException {
    IOException failure = null;
    try {
      PinnedLocks.lock(lock.writeLock());
      try {
        if (view.closed()) {
          return;
        }
        writes.endSession();
      } finally {
        lock.writeLock().unlock();
      }
      forcing.force(true);
    } catch (IOException e) {
      failure = e;
    }
    PinnedLocks.lock(lock.writeLock());
    try {
      if (!view.closed()) {
        if (writes.tailWaits()) {
          failure =
              new IOException(
                  path
                      + ": the file system's close could not write the file's last block; writes"
                      + " to it acknowledged since its last record are lost",
                  failure);
        }
        release();
      }
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    } finally {
      lock.writeLock().unlock();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Closes the file without writing what its session owes it, for a file no channel can reach: a
   * kept file whose name was deleted or replaced, whose buffered tail went with it, so that the
   * timer stops trying to write it (see {@link DelayedTail}); or a file whose open failed or was
   * refused before a channel had it.
   */
  void drop() throws IOException {
    PinnedLocks.lock(lock.writeLock());
    try {
      if (!view.closed()) {
        kept = false;
        release();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** {@link #release}, keeping {@code failure} the one thrown. */
  private void releaseAfter(Throwable failure) {
    try {
      release();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Forgets the file's keys and cleartext and closes its underlying channel. Under the lock. */
  private void release() throws IOException {
    view.release();
    keys.destroy();
    raw.close();
  }
}
