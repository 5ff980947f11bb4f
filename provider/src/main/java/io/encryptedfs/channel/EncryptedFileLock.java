package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/** A lock on an encrypted channel, held as the same range's lock on the underlying file. */
final class EncryptedFileLock extends FileLock {
  private final FileLock rawLock;

  EncryptedFileLock(FileChannel channel, FileLock rawLock) {
    super(channel, rawLock.position(), rawLock.size(), rawLock.isShared());
    this.rawLock = rawLock;
  }

  @Override
  public boolean isValid() {
    return rawLock.isValid() && channel().isOpen();
  }

  @Override
  public void release() throws IOException {
    if (!channel().isOpen()) {
      throw new ClosedChannelException();
    }
    rawLock.release();
  }

  /** Releases the underlying lock while the channel closes. */
  void releaseOnClose() throws IOException {
    if (rawLock.isValid()) {
      rawLock.release();
    }
  }
}
