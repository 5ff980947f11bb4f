package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * A {@link FileChannel} over an encrypted file: cleartext positions and sizes, every operation
 * delegated to the file's shared {@link OpenFile}. This class holds only what is per channel: the
 * open mode, the position ({@link ChannelPosition}) and the locks it acquired ({@link
 * ChannelLocks}).
 */
final class EncryptedFileChannel extends FileChannel {
  /**
   * The most bytes one gathering write takes: what Linux's {@code writev} takes at most ({@code
   * MAX_RW_COUNT}), so what the JDK's channel writes of a longer one; it also keeps the copy of the
   * buffers within one array.
   */
  static final int GATHER_LIMIT = Integer.MAX_VALUE & ~4095;

  private final OpenFile file;
  private final OpenFiles registry;
  private final ChannelMode mode;
  private final ChannelPosition cursor;
  private final ChannelLocks locks;

  EncryptedFileChannel(OpenFile file, OpenFiles registry, ChannelMode mode) {
    this.file = file;
    this.registry = registry;
    this.mode = mode;
    this.cursor = new ChannelPosition(file, mode);
    this.locks = new ChannelLocks(this, file, mode.write());
  }

  /** The open file behind this channel, for tests in this package. */
  OpenFile file() {
    return file;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    checkReadable();
    requireWritable(dst);
    return cursor.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    checkReadable();
    for (int i = offset; i < offset + length; i++) {
      requireWritable(dsts[i]);
    }
    return cursor.read(dsts, offset, length);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    checkWritable();
    return cursor.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return write(srcs, offset, length, GATHER_LIMIT);
  }

  /**
   * As {@link #write(ByteBuffer[], int, int)}, taking no more than {@code limit} bytes of the
   * buffers: the JDK's channel writes the first {@link #GATHER_LIMIT} bytes of a longer one and
   * returns, and so does this one.
   */
  long write(ByteBuffer[] srcs, int offset, int length, int limit) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    checkWritable();
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += srcs[i].remaining();
    }
    // One buffer, one write: a gathering append lands whole, even with other appenders.
    ByteBuffer all = ByteBuffer.allocate((int) Math.min(total, limit));
    for (int i = offset; i < offset + length && all.hasRemaining(); i++) {
      ByteBuffer src = srcs[i].duplicate();
      src.limit(src.position() + Math.min(src.remaining(), all.remaining()));
      all.put(src);
    }
    all.flip();
    int written = all.remaining();
    write(all);
    int left = written;
    for (int i = offset; i < offset + length && left > 0; i++) {
      int taken = Math.min(left, srcs[i].remaining());
      srcs[i].position(srcs[i].position() + taken);
      left -= taken;
    }
    return written;
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return cursor.get();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    checkPosition(newPosition);
    ensureOpen();
    cursor.set(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(file::readWaits, file::size);
    }
    return file.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    checkWritable();
    cursor.truncate(size);
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    ensureOpen();
    if (PinnedCalls.APPLY) {
      PinnedCalls.call(
          file::forceWaits,
          () -> {
            file.force(metaData);
            return null;
          });
    } else {
      file.force(metaData);
    }
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    Objects.requireNonNull(target, "target"); // as the JDK's, before anything else
    // The JDK checks a closed target, this channel's reading and a file channel target's writing
    // before the arguments, and so also when there is nothing to copy.
    ensureOpen();
    if (!target.isOpen()) {
      throw new ClosedChannelException();
    }
    checkReadable();
    ChannelTransfers.checkTargetWrites(target);
    checkTransferArgs(position, count);
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(
          file::readWaits, () -> ChannelTransfers.to(file, position, count, target));
    }
    return ChannelTransfers.to(file, position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    Objects.requireNonNull(src, "src"); // as the JDK's, before anything else
    ensureOpen();
    if (!src.isOpen()) {
      throw new ClosedChannelException(); // as the JDK's, before this channel's writing
    }
    checkWritable(); // the JDK reports a non-writable channel before bad arguments
    checkTransferArgs(position, count);
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(file::writeWaits, () -> transferIn(src, position, count));
    }
    return transferIn(src, position, count);
  }

  private long transferIn(ReadableByteChannel src, long position, long count) throws IOException {
    long done = ChannelTransfers.from(src, file, mode.append(), position, count);
    if (done > 0) {
      afterWrite();
    }
    return done;
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    Objects.requireNonNull(dst, "dst");
    checkPosition(position);
    checkReadable();
    requireWritable(dst);
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(file::readWaits, () -> file.read(dst, position));
    }
    return file.read(dst, position);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    Objects.requireNonNull(src, "src");
    checkPosition(position);
    checkWritable();
    if (PinnedCalls.APPLY) {
      return PinnedCalls.call(file::writeWaits, () -> writeAt(src, position));
    }
    return writeAt(src, position);
  }

  private int writeAt(ByteBuffer src, long position) throws IOException {
    int n;
    if (mode.append()) {
      // As pwrite(2) on a file opened O_APPEND on Linux, which the JDK's FileChannel inherits:
      // the data goes to the end whatever the position, so a log opened for appending never has
      // its head overwritten.
      n = src.remaining();
      file.append(src);
    } else {
      n = file.write(src, position);
    }
    afterWrite();
    return n;
  }

  @Override
  public MappedByteBuffer map(MapMode mapMode, long position, long size) {
    throw new UnsupportedOperationException(
        "encryptedfs cannot memory-map files: mapped pages would hold ciphertext, and writes"
            + " through them would bypass sealing; use read and write");
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    checkLockable(shared);
    return locks.lock(position, size, shared, true);
  }

  /** {@link #lock}, which an interrupt does not end: it is kept for after the call. */
  FileLock lockUninterruptibly(long position, long size, boolean shared) throws IOException {
    checkLockable(shared);
    return locks.lock(position, size, shared, false);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    checkLockable(shared);
    return locks.tryLock(position, size, shared);
  }

  /** {@code lock} was released: the close has nothing left to release for it. */
  void forget(EncryptedFileLock lock) {
    locks.forget(lock);
  }

  /** How many of its locks this channel would release at its close. */
  int locksKept() {
    return locks.count();
  }

  @Override
  protected void implCloseChannel() throws IOException {
    PinnedClose.run(this::closeChannel);
  }

  private void closeChannel() throws IOException {
    IOException failure = locks.releaseAll();
    try {
      registry.release(this, file);
    } catch (IOException e) {
      if (failure != null) {
        e.addSuppressed(failure);
      }
      throw e;
    }
    if (mode.write()) {
      // After the release, so that the last channel's close, which writes the tail anyway, does
      // not write it twice; a failure leaves the tail to the timer, as a failed timed write does.
      try {
        file.writerClosed();
      } catch (IOException e) {
        if (failure != null) {
          e.addSuppressed(failure);
        }
        throw e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void afterWrite() throws IOException {
    if (mode.sync()) {
      file.force(true);
    }
  }

  /**
   * As a FileChannel, a lock call does not close the channel for an interrupt status set before it:
   * {@code tryLock} does not block, and {@code lock} throws {@code FileLockInterruptionException}
   * only after its other checks ({@link ChannelLocks#lock}).
   */
  private void checkLockable(boolean shared) throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    if (shared && !mode.read()) {
      throw new NonReadableChannelException();
    }
    if (!shared && !mode.write()) {
      throw new NonWritableChannelException();
    }
  }

  private static void checkPosition(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
  }

  private static void checkTransferArgs(long position, long count) {
    if (position < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count");
    }
  }

  /** As the JDK's FileChannel: reading into a read-only buffer is a bad argument. */
  private static void requireWritable(ByteBuffer dst) {
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("Read-only buffer");
    }
  }

  boolean readable() {
    return mode.read();
  }

  boolean writable() {
    return mode.write();
  }

  private void checkReadable() throws IOException {
    ensureOpen();
    if (!mode.read()) {
      throw new NonReadableChannelException();
    }
  }

  void checkWritable() throws IOException {
    ensureOpen();
    if (!mode.write()) {
      throw new NonWritableChannelException();
    }
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    if (Thread.currentThread().isInterrupted()) {
      // Close only this channel, as a FileChannel does for its own; the interrupt stays set. The
      // shared underlying file would survive the call (RawFile reopens it), at the cost of a
      // reopen per call.
      ClosedByInterruptException interrupted = new ClosedByInterruptException();
      try {
        close();
      } catch (IOException e) {
        interrupted.addSuppressed(e);
      }
      throw interrupted;
    }
  }

  @Override
  public String toString() {
    return "EncryptedFileChannel[" + file.path() + "]";
  }
}
