package io.encryptedfs.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * A channel on the underlying file that records every modification in the file's {@link FileState}
 * and applies the simulated disk-full and dropped-force faults.
 */
final class FaultFileChannel extends FileChannel {
  private static final int TRANSFER_CHUNK = 64 * 1024;

  private final FaultInjectingFileSystem fs;
  private final FileChannel delegate;
  private final FileState state;
  private final OpenMode mode;
  // Serialises operations that use or move the position, as FileChannelImpl does, so that the
  // offset read before a relative write is the one the write uses.
  private final Object positionLock = new Object();

  FaultFileChannel(
      FaultInjectingFileSystem fs, FileChannel delegate, FileState state, OpenMode mode) {
    this.fs = fs;
    this.delegate = delegate;
    this.state = state;
    this.mode = mode;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    synchronized (positionLock) {
      return delegate.read(dst);
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    synchronized (positionLock) {
      return delegate.read(dsts, offset, length);
    }
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    fs.switches().beforeRead(state.path());
    return delegate.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    synchronized (positionLock) {
      return recordedWrite(new ByteBuffer[] {src}, 0, 1, -1);
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    synchronized (positionLock) {
      return recordedWrite(srcs, offset, length, -1);
    }
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
    return recordedWrite(new ByteBuffer[] {src}, 0, 1, position);
  }

  /** Writes at {@code position}, or at the channel position if it is negative. */
  private int recordedWrite(ByteBuffer[] srcs, int offset, int length, long position)
      throws IOException {
    ensureWritable();
    if (fs.switches().failsWritesOf(state.path())) {
      throw new IOException("Input/output error");
    }
    byte[] data = Buffers.peek(srcs, offset, length);
    if (data.length == 0) {
      // Not delegated: Jimfs extends the file on an empty write past its end, POSIX does not.
      return 0;
    }
    boolean dropped = synchronousWriteDropped();
    return state.locked(
        () -> {
          SpaceBudget.Grant grant = fs.budget().reserve(data.length);
          int written = 0;
          try {
            if (grant.bytes() > 0) {
              // In append mode even a positional write goes to the end (Linux pwrite, Jimfs).
              long at =
                  mode.append() ? delegate.size() : position >= 0 ? position : delegate.position();
              ByteBuffer chunk = ByteBuffer.wrap(data, 0, grant.bytes());
              written = position >= 0 ? delegate.write(chunk, position) : delegate.write(chunk);
              if (written > 0) {
                record(new LogEntry.Write(at, Arrays.copyOf(data, written)), dropped);
                Buffers.consume(srcs, offset, length, written);
              }
            }
          } finally {
            fs.budget().settle(grant, written);
          }
          if (grant.fails()) {
            throw new IOException("No space left on device");
          }
          return written;
        });
  }

  @Override
  public long position() throws IOException {
    return delegate.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    synchronized (positionLock) {
      delegate.position(newPosition);
    }
    return this;
  }

  @Override
  public long size() throws IOException {
    fs.switches().beforeSize(state.path());
    return delegate.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    ensureWritable();
    if (fs.switches().failsTruncatesOf(state.path())) {
      throw new IOException("Input/output error");
    }
    boolean dropped = synchronousWriteDropped();
    synchronized (positionLock) {
      state.locked(
          () -> {
            long before = delegate.size();
            delegate.truncate(size);
            if (size < before) {
              record(new LogEntry.Truncate(size), dropped);
            }
            return null;
          });
    }
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    ensureOpen();
    // Asked before taking the file's monitor: the predicates are test code.
    if (fs.switches().failsForcesOf(state.path())) {
      throw new IOException("Input/output error");
    }
    if (fs.switches().cutsForcesOf(state.path())) {
      close();
      throw new AsynchronousCloseException();
    }
    // What a force covers is fixed when it begins: a test may hold it in the predicate below
    // while other threads write, and those writes need not be durable when it returns.
    long covered = state.recorded();
    boolean dropped = fs.switches().dropsForcesOf(state.path());
    state.locked(
        () -> {
          delegate.force(metaData);
          state.forced(dropped, covered);
          return null;
        });
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    // Reads only; if the target is a fault channel, its writes are recorded there.
    return delegate.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    if (position < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count");
    }
    ensureWritable();
    if (position > size()) {
      return 0;
    }
    // Each chunk becomes one log entry, as the writes of a copy loop would.
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, TRANSFER_CHUNK));
    long transferred = 0;
    while (transferred < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - transferred));
      if (src.read(buffer) <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        transferred += write(buffer, position + transferred);
      }
    }
    return transferred;
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    if (mode != MapMode.READ_ONLY) {
      throw new UnsupportedOperationException(
          "faultfs cannot record writes through a mapping; map READ_ONLY or use write()");
    }
    return delegate.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    FileLock lock = new FaultFileLock(this, delegate.lock(position, size, shared));
    fs.switches().afterLock(state.path());
    return lock;
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    if (fs.switches().refusesLocksOf(state.path())) {
      fs.switches().afterRefusedLock(state.path());
      return null;
    }
    FileLock lock;
    try {
      lock = delegate.tryLock(position, size, shared);
    } catch (OverlappingFileLockException e) {
      fs.switches().afterRefusedLock(state.path());
      throw e;
    }
    if (lock == null) {
      fs.switches().afterRefusedLock(state.path());
      return null;
    }
    FileLock held = new FaultFileLock(this, lock);
    fs.switches().afterLock(state.path());
    return held;
  }

  void beforeLockRelease() throws IOException {
    fs.switches().beforeLockRelease(this);
    if (fs.switches().failsLockReleasesOf(state.path())) {
      throw new IOException("Input/output error");
    }
  }

  @Override
  protected void implCloseChannel() throws IOException {
    // Closing does not force, as with close(2).
    delegate.close();
  }

  /** Logs a modification that just happened; on a SYNC or DSYNC channel it is durable at once. */
  private void record(LogEntry entry, boolean dropped) {
    state.record(entry);
    if (mode.synchronous()) {
      state.forced(dropped);
    }
  }

  /** Asked before taking the file's monitor: the predicate is test code. */
  private boolean synchronousWriteDropped() {
    return mode.synchronous() && fs.switches().dropsForcesOf(state.path());
  }

  private void ensureWritable() throws ClosedChannelException {
    ensureOpen();
    if (!mode.writable()) {
      throw new NonWritableChannelException();
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }
}
