package io.encryptedfs.nio;

import io.encryptedfs.channel.Uninterrupted;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The channel under a stream that {@code Files.newInputStream} or {@code newOutputStream} opens,
 * and so under {@code Files.write}, {@code writeString}, {@code newBufferedReader}, {@code
 * newBufferedWriter}, {@code readAllLines} and {@code copy} to or from a stream. The default file
 * system makes those channels uninterruptible: its streams read and write on a thread whose
 * interrupt status is set (shutdown code that caught an {@code InterruptedException}, set the
 * status again and then saves its state), where a channel would close. This one opens and runs each
 * call with the status cleared and sets it again after ({@link Uninterrupted}), so the stream does
 * the same.
 */
final class StreamChannel implements SeekableByteChannel {
  private final SeekableByteChannel channel;

  private StreamChannel(SeekableByteChannel channel) {
    this.channel = channel;
  }

  /**
   * As {@code FileSystemProvider.newInputStream}: any option but {@code WRITE} and {@code APPEND}.
   */
  static InputStream input(EncryptedFileSystemProvider provider, Path path, OpenOption... options)
      throws IOException {
    Set<OpenOption> opts = new HashSet<>();
    for (OpenOption o : options) {
      if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND) {
        throw new UnsupportedOperationException("'" + o + "' not allowed");
      }
      opts.add(o);
    }
    return new ChannelInput(
        new StreamChannel(Uninterrupted.call(() -> provider.newByteChannel(path, opts))));
  }

  /**
   * As {@code FileSystemProvider.newOutputStream}: without options, {@code CREATE}, {@code
   * TRUNCATE_EXISTING} and {@code WRITE}; else those given and {@code WRITE}, never {@code READ}.
   */
  static OutputStream output(EncryptedFileSystemProvider provider, Path path, OpenOption... options)
      throws IOException {
    Set<OpenOption> opts = new HashSet<>();
    if (options.length == 0) {
      opts.add(StandardOpenOption.CREATE);
      opts.add(StandardOpenOption.TRUNCATE_EXISTING);
    }
    for (OpenOption o : options) {
      if (o == StandardOpenOption.READ) {
        throw new IllegalArgumentException("READ not allowed");
      }
      opts.add(o);
    }
    opts.add(StandardOpenOption.WRITE);
    return new ChannelOutput(
        new StreamChannel(Uninterrupted.call(() -> provider.newByteChannel(path, opts))));
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    boolean interrupted = Uninterrupted.clear();
    try {
      return channel.read(dst);
    } finally {
      Uninterrupted.restore(interrupted);
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    boolean interrupted = Uninterrupted.clear();
    try {
      return channel.write(src);
    } finally {
      Uninterrupted.restore(interrupted);
    }
  }

  @Override
  public long position() throws IOException {
    return Uninterrupted.call(channel::position);
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    Uninterrupted.call(() -> channel.position(newPosition));
    return this;
  }

  @Override
  public long size() throws IOException {
    return Uninterrupted.call(channel::size);
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    Uninterrupted.call(() -> channel.truncate(size));
    return this;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    Uninterrupted.call(
        () -> {
          channel.close();
          return null;
        });
  }
}
