package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;

/**
 * A lock on an encrypted channel, held as the same range's lock on the underlying file. If an
 * interrupt closes the underlying channel, {@link RawFile} takes the range again on the reopened
 * one; should another program have taken it in between, this lock is no longer valid.
 */
final class EncryptedFileLock extends FileLock {
  private final RawFile raw;
  private FileLock rawLock;

  EncryptedFileLock(FileChannel channel, RawFile raw, long position, long size, boolean shared) {
    super(channel, position, size, shared);
    this.raw = raw;
  }

  /** The underlying lock this one is held as, just acquired. */
  synchronized void holdAs(FileLock acquired) {
    rawLock = acquired;
  }

  /** The underlying channel was reopened: hold the range on {@code fresh} if nobody took it. */
  synchronized void takeBack(FileChannel fresh) {
    try {
      FileLock again = fresh.tryLock(position(), size(), isShared());
      if (again != null) {
        rawLock = again;
      }
    } catch (IOException | OverlappingFileLockException e) {
      // Not held: isValid() says so, as it does for a lock that the file system lost.
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
    releaseOnClose();
  }

  /** Releases the underlying lock while the channel closes. */
  void releaseOnClose() throws IOException {
    raw.unlocked(this);
    synchronized (this) {
      if (rawLock != null && rawLock.isValid()) {
        rawLock.release();
      }
    }
  }
}
