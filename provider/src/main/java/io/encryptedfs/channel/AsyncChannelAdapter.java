package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * An {@link AsynchronousFileChannel} that runs each operation of a synchronous encrypted channel on
 * an executor: the encrypted channel already does positional I/O safely from many threads, so the
 * adapter only moves the waiting elsewhere.
 *
 * <p>An operation runs with the executor thread's interrupt status put aside, and gets it back
 * afterwards: an interrupted thread would close the synchronous channel that every operation of
 * this channel shares, and an executor interrupts its threads when it is shut down with {@code
 * shutdownNow}. The JDK's own asynchronous file channel ignores such interrupts too.
 */
public final class AsyncChannelAdapter extends AsynchronousFileChannel {
  private final FileChannel channel;
  private final ExecutorService executor;
  private final boolean ownsExecutor;

  /**
   * @param ownsExecutor shut the executor down when this channel closes (a default executor made
   *     for this channel alone)
   */
  public AsyncChannelAdapter(FileChannel channel, ExecutorService executor, boolean ownsExecutor) {
    this.channel = channel;
    this.executor = executor;
    this.ownsExecutor = ownsExecutor;
  }

  // The calls that run on the calling thread put its interrupt status aside too: the JDK's
  // asynchronous channel does not close for it, and the closed channel would be every thread's.

  @Override
  public long size() throws IOException {
    return Uninterrupted.call(channel::size);
  }

  @Override
  public AsynchronousFileChannel truncate(long size) throws IOException {
    Uninterrupted.call(() -> channel.truncate(size));
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    ForceThreads.force(channel, metaData);
  }

  @Override
  public <A> void lock(
      long position,
      long size,
      boolean shared,
      A attachment,
      CompletionHandler<FileLock, ? super A> handler) {
    FileLock now;
    try {
      now = lockIfFree(position, size, shared);
    } catch (IOException e) {
      handler.failed(e, attachment);
      return;
    }
    run(now != null ? () -> now : () -> waitFor(position, size, shared), attachment, handler);
  }

  @Override
  public Future<FileLock> lock(long position, long size, boolean shared) {
    FileLock now;
    try {
      now = lockIfFree(position, size, shared);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    return now != null
        ? CompletableFuture.completedFuture(now)
        : submit(() -> waitFor(position, size, shared));
  }

  /**
   * Waits for the range on an executor thread, which an interrupt (the executor's {@code
   * shutdownNow}) does not stop, as the JDK's asynchronous channel's wait goes on: ended by it, a
   * synchronous channel's wait would close the channel that every operation shares.
   */
  private FileLock waitFor(long position, long size, boolean shared) throws IOException {
    FileLock lock =
        channel instanceof EncryptedFileChannel encrypted
            ? encrypted.lockUninterruptibly(position, size, shared)
            : channel.lock(position, size, shared);
    return new AsyncLock(lock);
  }

  /**
   * Takes the range now if it is free; null if another program holds it (the executor waits for it
   * then) or the channel is closed (which the future reports). As the JDK's asynchronous channel, a
   * bad range, a channel not open for the lock's kind and a range this program already holds throw
   * at the call, not in the future.
   */
  private FileLock lockIfFree(long position, long size, boolean shared) throws IOException {
    if (!channel.isOpen()) {
      return null;
    }
    return Uninterrupted.call( // see the class comment
        () -> {
          try {
            FileLock lock = channel.tryLock(position, size, shared);
            return lock == null ? null : new AsyncLock(lock);
          } catch (ClosedChannelException e) {
            return null;
          }
        });
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    FileLock lock = Uninterrupted.call(() -> channel.tryLock(position, size, shared));
    return lock == null ? null : new AsyncLock(lock);
  }

  @Override
  public <A> void read(
      ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
    checkRead(dst, position);
    run(() -> channel.read(dst, position), attachment, handler);
  }

  @Override
  public Future<Integer> read(ByteBuffer dst, long position) {
    checkRead(dst, position);
    return submit(() -> channel.read(dst, position));
  }

  @Override
  public <A> void write(
      ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
    checkWrite(src, position);
    run(() -> channel.write(src, position), attachment, handler);
  }

  @Override
  public Future<Integer> write(ByteBuffer src, long position) {
    checkWrite(src, position);
    return submit(() -> channel.write(src, position));
  }

  // As the JDK's asynchronous file channel, bad arguments and a channel not open for the
  // operation throw at the call rather than failing the future.
  private void checkRead(ByteBuffer dst, long position) {
    Objects.requireNonNull(dst, "dst");
    if (position < 0) {
      throw new IllegalArgumentException("Negative position");
    }
    if (channel instanceof EncryptedFileChannel encrypted && !encrypted.readable()) {
      throw new NonReadableChannelException();
    }
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("Read-only buffer");
    }
  }

  private void checkWrite(ByteBuffer src, long position) {
    Objects.requireNonNull(src, "src");
    if (position < 0) {
      throw new IllegalArgumentException("Negative position");
    }
    if (channel instanceof EncryptedFileChannel encrypted && !encrypted.writable()) {
      throw new NonWritableChannelException();
    }
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      if (ownsExecutor) {
        executor.shutdown();
      }
    }
  }

  private <V> Future<V> submit(Uninterrupted.Call<V> op) {
    CompletableFuture<V> result = new CompletableFuture<>();
    if (!channel.isOpen()) {
      result.completeExceptionally(new ClosedChannelException());
      return result;
    }
    executor.execute(
        () -> {
          try {
            result.complete(Uninterrupted.call(op));
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result;
  }

  private <V, A> void run(
      Uninterrupted.Call<V> op, A attachment, CompletionHandler<V, ? super A> handler) {
    if (!channel.isOpen()) {
      handler.failed(new ClosedChannelException(), attachment);
      return;
    }
    executor.execute(
        () -> {
          V value;
          try {
            value = Uninterrupted.call(op);
          } catch (Throwable t) {
            handler.failed(t, attachment);
            return;
          }
          handler.completed(value, attachment);
        });
  }

  /** A lock of this asynchronous channel, held as the synchronous channel's lock. */
  private final class AsyncLock extends FileLock {
    private final FileLock lock;

    AsyncLock(FileLock lock) {
      super(AsyncChannelAdapter.this, lock.position(), lock.size(), lock.isShared());
      this.lock = lock;
    }

    @Override
    public boolean isValid() {
      return lock.isValid();
    }

    @Override
    public void release() throws IOException {
      lock.release();
    }
  }
}
