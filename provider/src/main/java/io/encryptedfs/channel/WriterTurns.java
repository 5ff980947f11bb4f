package io.encryptedfs.channel;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One open file's side of taking turns with other programs that write it ({@link OtherWriters} says
 * what they mean for the view): catching up with what they wrote where a reader meets the end of
 * the file or this program locks it, taking the writer lock when this program locks the file to
 * write it, and handing it back when this program lets its last lock go. Owns no state of its own;
 * takes the owning {@link OpenFile}'s write lock itself for whatever it changes.
 */
final class WriterTurns {
  private final ReentrantReadWriteLock lock;
  private final RawFile raw;
  private final FileView view;
  private final OtherWriters others;
  private final FileWrites writes;

  WriterTurns(
      ReentrantReadWriteLock lock,
      RawFile raw,
      FileView view,
      OtherWriters others,
      FileWrites writes) {
    this.lock = lock;
    this.raw = raw;
    this.view = view;
    this.others = others;
    this.writes = writes;
  }

  /**
   * A file that this program does not write may be written by another one (which holds the writer
   * lock, see {@link WriterClaim}): when it may have changed since it was last looked at, the view
   * catches up with it ({@link OtherWriters#catchUp}). Called where a reader meets the end of the
   * file (its size, a read of the last block or at the end). Returns whether the view changed.
   */
  boolean follow() throws IOException {
    long modified = others.mayHaveChanged();
    return modified != Long.MIN_VALUE && catchUp(modified);
  }

  /**
   * As {@link #follow}, whatever the underlying file's modification time says: called when this
   * program takes a lock on the file, after which a plain file's reader sees every write another
   * program made before it let the lock go.
   */
  void catchUp() throws IOException {
    if (others.following()) {
      catchUp(raw.lastModified());
    }
  }

  private boolean catchUp(long modified) throws IOException {
    PinnedLocks.lock(lock.writeLock());
    try {
      return !view.closed() && !raw.writerHeld() && others.catchUp(modified);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * This program took an exclusive lock on the file through a writable channel: a program that
   * takes turns with others under that lock writes next, so the writer lock is taken now, and the
   * file caught up with, in one look (see {@link OtherWriters#claim}); giving up the program's last
   * lock gives it up ({@link #handOff}). While another program holds the writer lock without taking
   * turns, or the file does not load, this only looks at the file as {@link #catchUp} does, and a
   * write then fails as it would have.
   */
  void lockedForWriting() throws IOException {
    if (!others.following() || !raw.writable()) {
      catchUp();
      return;
    }
    PinnedLocks.lock(lock.writeLock());
    try {
      if (view.closed() || raw.writerHeld()) {
        return;
      }
      try {
        others.claim();
      } catch (ConcurrentWriterException
          | DamagedFileException
          | KeyMismatchException
          | UnknownKeyAliasException e) {
        // Not this lock's to report: the claim was given back, and the write will say why.
        catchUp();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * This program gave up its last lock on the file: other programs may write it now, as they may a
   * plain file, so a buffered tail's record is written and the writer lock given back. The next
   * write here takes it again, and catches up with what others wrote meanwhile. A write of this
   * program still under way (one waiting for a force to free a tail slot has let the file's lock
   * go) keeps the writer lock: it was begun under it, and its view must stay the file's. So does a
   * lock this program took since, whose taking may have found the writer lock still held.
   */
  void handOff() throws IOException {
    if (!raw.writerHeld()) {
      return;
    }
    PinnedLocks.lock(lock.writeLock());
    try {
      if (view.closed() || !raw.writerHeld() || writes.writerWaits() || raw.locked()) {
        return;
      }
      writes.flushTail();
      raw.releaseWriter();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
