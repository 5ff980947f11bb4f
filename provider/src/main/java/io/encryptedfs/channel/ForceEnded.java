package io.encryptedfs.channel;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The end of a force, which a writer that found every tail slot protected waits for ({@link
 * TailRecordWriter#awaitForceEnd}): a condition of the file's write lock.
 */
final class ForceEnded {
  private final ReentrantReadWriteLock.WriteLock writeLock;
  private final Condition ended;

  ForceEnded(ReentrantReadWriteLock lock) {
    this.writeLock = lock.writeLock();
    this.ended = writeLock.newCondition();
  }

  /**
   * Waits under the write lock, letting it go meanwhile, until a force ends, or for a short while
   * on a virtual thread that a monitor pins ({@link PinnedLocks#awaitUninterruptibly}): the caller
   * looks again either way.
   */
  void await() {
    PinnedLocks.awaitUninterruptibly(ended, writeLock);
  }

  /** Wakes every writer waiting in {@link #await}; takes the write lock to do so. */
  void signalAll() {
    PinnedLocks.lock(writeLock);
    try {
      ended.signalAll();
    } finally {
      writeLock.unlock();
    }
  }
}
