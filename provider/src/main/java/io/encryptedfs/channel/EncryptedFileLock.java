package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;

/**
 * A lock on an encrypted channel, held as a lock on the underlying file of the same range moved up
 * by one byte: byte 0 is the writer session's ({@link RawFile#claimWriter}), and a caller's lock
 * must never meet it, in this program (the JDK would refuse the overlap) or in another. Every
 * program that uses encryptedfs moves ranges alike, so locks still exclude each other across
 * programs. If an interrupt closes the underlying channel, {@link RawFile} takes the range again on
 * the reopened one; should another program have taken it in between, this lock is no longer valid.
 *
 * <p>Locks are where programs that share a file hand it over, as on a plain file: taking one looks
 * at the file again ({@link OpenFile#catchUp}), and giving up the program's last one gives up the
 * writer lock too.
 */
final class EncryptedFileLock extends FileLock {
  private final EncryptedFileChannel owner;
  private final OpenFile file;
  private final RawFile raw;
  private FileLock rawLock;

  EncryptedFileLock(
      EncryptedFileChannel channel, OpenFile file, long position, long size, boolean shared) {
    super(channel, position, size, shared);
    this.owner = channel;
    this.file = file;
    this.raw = file.raw();
  }

  /** Where the underlying range starts: one byte past the caller's position. */
  long rawPosition() {
    return position() == Long.MAX_VALUE ? Long.MAX_VALUE : position() + 1;
  }

  /**
   * How long the underlying range is: the caller's size, cut so that the range still fits in a
   * {@code long} (a whole-file lock, {@code Long.MAX_VALUE} from 0, covers every byte but 0).
   */
  long rawSize() {
    return Math.min(size(), Long.MAX_VALUE - rawPosition());
  }

  /**
   * Whether the range holds the caller's last byte, {@code Long.MAX_VALUE - 1}: one byte up it has
   * no room in a {@code FileLock}'s range, so the JDK's table of this program's locks cannot tell
   * that two such locks overlap ({@link RawLocks} does). A lock at {@code Long.MAX_VALUE} of size
   * zero holds no byte, but is held as the same underlying range, whose release would give up the
   * other's hold on it, so it counts as one.
   */
  boolean holdsLastByte() {
    return position() + size() == Long.MAX_VALUE;
  }

  /** The underlying lock this one is held as, just acquired. */
  synchronized void holdAs(FileLock acquired) {
    rawLock = acquired;
  }

  /** The underlying channel was reopened: hold the range on {@code fresh} if nobody took it. */
  synchronized void takeBack(FileChannel fresh) {
    try {
      FileLock again = fresh.tryLock(rawPosition(), rawSize(), isShared());
      if (again != null) {
        rawLock = again;
      }
    } catch (IOException | OverlappingFileLockException e) {
      // Not held: isValid() says so, as it does for a lock that the file system lost.
    }
  }

  /** The file closes with this lock still held: releases the underlying range only. */
  synchronized void releaseRawOnly() {
    if (rawLock != null && rawLock.isValid()) {
      try {
        rawLock.release();
      } catch (IOException e) {
        // The channel closed under it (an interrupt), which released it.
      }
    }
  }

  @Override
  public synchronized boolean isValid() {
    return rawLock != null && rawLock.isValid() && channel().isOpen();
  }

  @Override
  public void release() throws IOException {
    if (!channel().isOpen()) {
      throw new ClosedChannelException();
    }
    try {
      releaseOnClose();
    } finally {
      // Released either way (see releaseOnClose): a channel that locks around every record, as a
      // prudent-mode logger's does, would otherwise keep every lock it ever took until it closed.
      owner.forget(this);
    }
  }

  /**
   * Releases the underlying lock while the channel closes. The program's last lock on the file
   * hands the file to other programs' writers first ({@link OpenFile#handOff}), so that one that
   * waited for this lock finds the writer lock free.
   */
  void releaseOnClose() throws IOException {
    try {
      if (raw.unlocked(this)) {
        file.handOff();
      }
    } finally {
      synchronized (this) {
        if (rawLock != null && rawLock.isValid()) {
          try {
            rawLock.release();
          } catch (ClosedChannelException e) {
            // An interrupt of another thread closed the underlying channel since the look, which
            // released the range; this lock is no longer the reopen's to take back.
          }
        }
      }
    }
  }
}
