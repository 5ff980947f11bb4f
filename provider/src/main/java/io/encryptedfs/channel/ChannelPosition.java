package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A channel's position and the calls that move it: relative reads and writes, and the truncation
 * that pulls it back. A call holds the position's lock from its look at the position to its update,
 * so that two threads sharing a channel never read or write the same bytes twice; a {@code SYNC}
 * channel's force runs inside it too, so a relative write returns only once its bytes are forced.
 *
 * <p>The lock is not a monitor: before JDK 24 a virtual thread that waits for the file's lock while
 * holding a monitor pins its carrier, and enough such threads leave none to run the lock's holder.
 * For the same JDKs every call goes through {@link PinnedCalls} when it would wait.
 */
final class ChannelPosition {
  private final OpenFile file;
  private final boolean append;
  private final boolean sync;
  private final ReentrantLock lock = new ReentrantLock();
  private long position;

  ChannelPosition(OpenFile file, ChannelMode mode) {
    this.file = file;
    this.append = mode.append();
    this.sync = mode.sync();
  }

  int read(ByteBuffer dst) throws IOException {
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(this::readWaits, () -> readHere(dst));
    }
    return readHere(dst);
  }

  private int readHere(ByteBuffer dst) throws IOException {
    PinnedLocks.lock(lock);
    try {
      int n = file.read(dst, position);
      if (n > 0) {
        position += n;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(this::readWaits, () -> readHere(dsts, offset, length));
    }
    return readHere(dsts, offset, length);
  }

  private long readHere(ByteBuffer[] dsts, int offset, int length) throws IOException {
    PinnedLocks.lock(lock);
    try {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        ByteBuffer dst = dsts[i];
        int want = dst.remaining();
        int n = file.read(dst, position);
        if (n < 0) {
          return total == 0 ? -1 : total;
        }
        position += n;
        total += n;
        if (n < want) {
          break;
        }
      }
      return total;
    } finally {
      lock.unlock();
    }
  }

  int write(ByteBuffer src) throws IOException {
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(this::writeWaits, () -> writeHere(src));
    }
    return writeHere(src);
  }

  private int writeHere(ByteBuffer src) throws IOException {
    PinnedLocks.lock(lock);
    try {
      int n = src.remaining();
      if (append) {
        position = file.append(src);
      } else {
        file.write(src, position);
        position += n;
      }
      if (sync) {
        file.force(true);
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  long get() throws IOException {
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(this::readWaits, this::getHere);
    }
    return getHere();
  }

  private long getHere() throws IOException {
    if (append) {
      // As the JDK's FileChannel: in append mode the position is always the end of the file,
      // including bytes other channels appended since this one last wrote.
      return file.size();
    }
    PinnedLocks.lock(lock);
    try {
      return position;
    } finally {
      lock.unlock();
    }
  }

  void set(long newPosition) throws IOException {
    if (PinnedCalls.APPLY) {
      PinnedCalls.call(lock::isLocked, () -> setHere(newPosition));
    } else {
      setHere(newPosition);
    }
  }

  private Void setHere(long newPosition) {
    PinnedLocks.lock(lock);
    try {
      position = newPosition;
    } finally {
      lock.unlock();
    }
    return null;
  }

  /** Truncates the file to {@code size} and brings the position back to it if it was beyond. */
  void truncate(long size) throws IOException {
    if (PinnedCalls.APPLY) {
      PinnedCalls.call(this::writeWaits, () -> truncateHere(size));
    } else {
      truncateHere(size);
    }
  }

  private Void truncateHere(long size) throws IOException {
    PinnedLocks.lock(lock);
    try {
      file.truncate(size);
      if (position > size) {
        position = size;
      }
    } finally {
      lock.unlock();
    }
    return null;
  }

  private boolean readWaits() {
    return lock.isLocked() || file.readWaits();
  }

  private boolean writeWaits() {
    return lock.isLocked() || file.writeWaits();
  }
}
