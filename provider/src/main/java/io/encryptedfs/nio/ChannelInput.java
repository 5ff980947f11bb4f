package io.encryptedfs.nio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The stream {@code Files.newInputStream} returns: {@code Channels.newInputStream}'s behaviour over
 * a file's channel (skip and available from its position and size), with its calls under a lock
 * rather than a monitor. The JDK's stream holds a monitor around each read, and before JDK 24 a
 * virtual thread that waits for the file's lock inside one keeps its carrier: enough of them leave
 * none for the thread the lock was handed to (see {@code PinnedClose}).
 */
final class ChannelInput extends InputStream {
  private final SeekableByteChannel channel;
  private final ReentrantLock lock = new ReentrantLock();
  private final byte[] one = new byte[1];

  ChannelInput(SeekableByteChannel channel) {
    this.channel = channel;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    lock.lock();
    try {
      return channel.read(ByteBuffer.wrap(b, off, len));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long skip(long n) throws IOException {
    lock.lock();
    try {
      long position = channel.position();
      long next;
      if (n > 0) {
        next = position + n;
        long size = channel.size();
        if (next < 0 || next > size) {
          next = size;
        }
      } else {
        next = Math.max(position + n, 0);
      }
      channel.position(next);
      return next - position;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int available() throws IOException {
    long left = Math.max(0, channel.size() - channel.position());
    return (int) Math.min(left, Integer.MAX_VALUE);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
