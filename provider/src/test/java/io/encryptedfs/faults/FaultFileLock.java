package io.encryptedfs.faults;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/** A lock held by the underlying channel, reported as belonging to the fault channel. */
final class FaultFileLock extends FileLock {
  private final FileLock delegate;

  FaultFileLock(FileChannel channel, FileLock delegate) {
    super(channel, delegate.position(), delegate.size(), delegate.isShared());
    this.delegate = delegate;
  }

  /** Also false once the channel is closed, which Jimfs 1.3 forgets to reflect. */
  @Override
  public boolean isValid() {
    return delegate.isValid() && channel().isOpen();
  }

  @Override
  public void release() throws IOException {
    ((FaultFileChannel) channel()).beforeLockRelease();
    delegate.release();
  }
}
