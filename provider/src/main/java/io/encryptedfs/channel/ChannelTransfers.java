package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * {@code transferTo} and {@code transferFrom} of an {@link EncryptedFileChannel}: a copy between
 * its open file and another channel through a buffer of at most {@link #CHUNK} bytes, since there
 * are no cleartext bytes on disk that the kernel could copy. The channel has checked its mode and
 * the arguments.
 */
final class ChannelTransfers {
  /**
   * The most bytes one read or write of a transfer moves: the shortest call whose blocks are sealed
   * or opened on more than one core. Four times as long measured no faster, either way (session 39,
   * benchmarks/results/ab-session39-transferchunk/).
   */
  static final int CHUNK = 64 * 1024;

  /**
   * Whether {@code transferFrom} at a position past the end writes there, extending the file, as
   * {@code write(ByteBuffer, long)} does. JDK 21 made it so (JDK-8303260); before, it transferred
   * nothing. The channel follows the JDK it runs on, as the default file system's does: a program
   * written for either contract gets what it expects, and never a silent zero-byte transfer.
   */
  private static final boolean FROM_PAST_END_EXTENDS = Runtime.version().feature() >= 21;

  /**
   * The default file system's channel class, whose writing the JDK's {@code transferTo} checks
   * before the arguments; null on a JDK that names it otherwise.
   */
  private static final Class<?> PLAIN_FILE_CHANNEL = plainFileChannel();

  private ChannelTransfers() {}

  private static Class<?> plainFileChannel() {
    try {
      return Class.forName("sun.nio.ch.FileChannelImpl", false, null);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  /**
   * Refuses a {@code transferTo} target that is a file channel not open for writing, as the JDK's
   * does before it looks at the arguments, and so also when there is nothing to copy: the JDK
   * checks its own channels, and this file system's are checked the same way.
   */
  static void checkTargetWrites(WritableByteChannel target) throws IOException {
    if (target instanceof EncryptedFileChannel encrypted) {
      encrypted.checkWritable();
    } else if (PLAIN_FILE_CHANNEL != null && PLAIN_FILE_CHANNEL.isInstance(target)) {
      // Whether the JDK's channel is open for writing only a write tells, and an empty one
      // changes nothing on it (another provider's might touch the file's time, so only this one).
      ((FileChannel) target).write(ByteBuffer.allocate(0));
    }
  }

  /**
   * Copies up to {@code count} bytes of {@code file} from {@code position} to {@code target}, no
   * more than the file held when the call began, as the JDK's {@code transferTo} does: a target
   * that writes into the same file past {@code position} would otherwise feed the copy its own
   * output until {@code count} ran out.
   */
  static long to(OpenFile file, long position, long count, WritableByteChannel target)
      throws IOException {
    long size = file.size();
    if (position >= size) {
      return 0;
    }
    count = Math.min(count, size - position);
    ByteBuffer buf = chunk(count);
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = file.read(buf, position + done);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        int w = target.write(buf);
        if (w == 0) {
          return done + (n - buf.remaining());
        }
      }
      done += n;
    }
    return done;
  }

  /**
   * Copies up to {@code count} bytes of {@code src} into {@code file} at {@code position}, or at
   * its end if {@code append}, as {@code write(ByteBuffer, long)} does on Linux. A file channel
   * source gives no more than it held past its position when the call began, as the JDK's does (it
   * refuses one it cannot read first): one on this same file would otherwise feed the copy its own
   * output until {@code count} ran out.
   */
  static long from(
      ReadableByteChannel src, OpenFile file, boolean append, long position, long count)
      throws IOException {
    if (position > file.size() && !FROM_PAST_END_EXTENDS) {
      return 0;
    }
    if (src instanceof FileChannel channel) {
      channel.read(ByteBuffer.allocate(0));
      count = Math.min(count, Math.max(0, channel.size() - channel.position()));
    }
    ByteBuffer buf = chunk(count);
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = src.read(buf);
      if (n <= 0) {
        break;
      }
      buf.flip();
      if (append) {
        file.append(buf);
      } else {
        file.write(buf, position + done);
      }
      done += n;
    }
    return done;
  }

  private static ByteBuffer chunk(long count) {
    return ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, count)));
  }
}
