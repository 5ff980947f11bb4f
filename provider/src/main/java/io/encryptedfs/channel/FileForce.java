package io.encryptedfs.channel;

import java.io.IOException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A caller's force of one open file: forces run one at a time (it owns the lock that says so), hold
 * the file's read lock to begin and to end ({@link Durability#beginForce}, {@link
 * Durability#endForce}) and no lock for their {@code fsync}, and wake a writer that found every
 * tail slot protected meanwhile.
 */
final class FileForce {
  private final ReentrantReadWriteLock lock;
  private final ForceEnded forceEnded;
  private final ReentrantLock forceLock = new ReentrantLock();
  private final RawFile raw;
  private final FileView view;
  private final FileWrites writes;
  private final Durability durability;

  /** For the file whose lock is {@code lock}, on whose write lock {@code forceEnded} waits. */
  FileForce(
      ReentrantReadWriteLock lock,
      ForceEnded forceEnded,
      RawFile raw,
      FileView view,
      FileWrites writes,
      Durability durability) {
    this.lock = lock;
    this.forceEnded = forceEnded;
    this.raw = raw;
    this.view = view;
    this.writes = writes;
    this.durability = durability;
  }

  /** Whether a force is under way, which the next one waits for. */
  boolean running() {
    return forceLock.isLocked();
  }

  /**
   * Makes every write that returned before this call durable, and the newest tail record then the
   * protected one. The {@code fsync} runs without the file's lock (see the class comment); writes
   * that land while it runs may or may not be covered, as on a plain file.
   */
  void force(boolean metaData) throws IOException {
    PinnedLocks.lock(forceLock);
    try {
      Durability.Begun begun;
      // What a force changes (the tail slots, the force ledger, the header) only writers change
      // besides, under the write lock, and forces, one at a time under forceLock; readers never
      // look at it. So the read lock suffices to begin and to end, and readers go on: a write
      // lock taken twice per force made every reader that arrived meanwhile park behind it.
      Lock held = lock.readLock();
      PinnedLocks.lock(held);
      try {
        view.ensureOpen();
        if (writes.tailWaits()) {
          // A buffered write's record waits, and writing a record is a writer's work.
          held.unlock();
          held = lock.writeLock();
          PinnedLocks.lock(held);
          view.ensureOpen();
          writes.flushTail();
        }
        begun = durability.beginForce();
      } finally {
        held.unlock();
      }
      boolean succeeded = false;
      try {
        raw.force(metaData);
        succeeded = true;
      } finally {
        endForce(begun, succeeded);
      }
    } finally {
      forceLock.unlock();
    }
  }

  /** The second half of {@link #force}, once its {@code fsync} returned or failed. */
  private void endForce(Durability.Begun begun, boolean succeeded) throws IOException {
    boolean wake = false;
    PinnedLocks.lock(lock.readLock());
    try {
      wake = writes.writerWaits();
      durability.endForce(begun, succeeded, !view.closed());
    } finally {
      lock.readLock().unlock();
      if (wake) {
        // A writer found every slot protected.
        forceEnded.signalAll();
      }
    }
  }
}
