package io.encryptedfs.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
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
  /**
   * The largest read of {@link #transferTo}: at 64 KiB and more a read opens its blocks on more
   * than one core, and larger reads cost fewer calls; the buffer is allocated for each transfer.
   */
  static final int TRANSFER_CHUNK = 256 * 1024;

  /** The smallest, {@code InputStream}'s own. */
  private static final int SMALL_CHUNK = 8192;

  /** The longest array {@link #readNBytes(int)} makes itself; {@code InputStream} reads longer. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final SeekableByteChannel channel;
  private final ReentrantLock lock = new ReentrantLock();
  private final byte[] one = new byte[1];

  /**
   * The array of the last read and the buffer that wraps it, under the lock: a caller reads into
   * the same array call after call, and a wrapper per call was 56 of the 90-odd bytes a read
   * allocated beside the cipher's state (the JDK's own stream over a channel keeps its wrapper so).
   */
  private byte[] lastArray;

  private ByteBuffer lastBuffer;

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
      if (b != lastArray) {
        lastBuffer = ByteBuffer.wrap(b);
        lastArray = b;
      }
      return channel.read(lastBuffer.limit(off + len).position(off));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads in chunks as long as the rest of the file, up to {@link #TRANSFER_CHUNK}, where {@code
   * InputStream}'s own reads 8 or 16 KiB at a time: {@code Files.copy} out of a root (to another
   * file system, or to an {@code OutputStream}) comes here.
   */
  @Override
  public long transferTo(OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    byte[] buf = new byte[chunk()];
    long total = 0;
    int n;
    while ((n = read(buf, 0, buf.length)) >= 0) {
      out.write(buf, 0, n);
      total += n;
    }
    return total;
  }

  /** The size of {@link #transferTo}'s reads, from what is left of the file now. */
  private int chunk() throws IOException {
    return (int) Math.max(SMALL_CHUNK, Math.min(left(), TRANSFER_CHUNK));
  }

  /**
   * Reads what is left of the file, at most {@code len} bytes, into one array of that size in reads
   * of up to {@link #TRANSFER_CHUNK}, where {@code InputStream} gathers 8 or 16 KiB reads in a list
   * of buffers and then copies them into one (the JDK's own stream over a file's channel does the
   * same from JDK 21 on). Bytes the file gained meanwhile are read after, as {@code InputStream}
   * reads them.
   */
  @Override
  public byte[] readNBytes(int len) throws IOException {
    if (len < 0) {
      throw new IllegalArgumentException("len < 0");
    }
    if (len == 0) {
      return new byte[0]; // as InputStream: no read, even on a closed stream
    }
    long left = left();
    if (left == 0 || left > MAX_ARRAY) {
      return super.readNBytes(len);
    }
    int size = (int) Math.min(len, left);
    byte[] buf = new byte[size];
    int got = 0;
    while (got < size) {
      int n = read(buf, got, Math.min(size - got, TRANSFER_CHUNK));
      if (n < 0) {
        return Arrays.copyOf(buf, got);
      }
      got += n;
    }
    if (size == len) {
      return buf;
    }
    byte[] more = super.readNBytes(len - size);
    if (more.length == 0) {
      return buf;
    }
    if (more.length > MAX_ARRAY - size) {
      throw new OutOfMemoryError("Required array size too large");
    }
    byte[] all = Arrays.copyOf(buf, size + more.length);
    System.arraycopy(more, 0, all, size, more.length);
    return all;
  }

  @Override
  public byte[] readAllBytes() throws IOException {
    return readNBytes(Integer.MAX_VALUE);
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
    return (int) Math.min(left(), Integer.MAX_VALUE);
  }

  /** Bytes from the position to the end of the file, none if the position is past it. */
  private long left() throws IOException {
    return Math.max(0, channel.size() - channel.position());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
