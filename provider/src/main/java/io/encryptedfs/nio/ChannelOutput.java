package io.encryptedfs.nio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The stream {@code Files.newOutputStream} returns: {@code Channels.newOutputStream}'s behaviour
 * over a file's channel, with its writes under a lock rather than a monitor, for the reason {@link
 * ChannelInput} gives.
 */
final class ChannelOutput extends OutputStream {
  private final SeekableByteChannel channel;
  private final ReentrantLock lock = new ReentrantLock();

  ChannelOutput(SeekableByteChannel channel) {
    this.channel = channel;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return;
    }
    lock.lock();
    try {
      ByteBuffer src = ByteBuffer.wrap(b, off, len);
      while (src.hasRemaining()) {
        if (channel.write(src) <= 0) {
          // As the JDK's stream: a channel that takes nothing would have this loop spin.
          throw new IOException("the file's channel took none of " + src.remaining() + " bytes");
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
