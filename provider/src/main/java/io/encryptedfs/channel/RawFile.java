package io.encryptedfs.channel;

import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The underlying file of ciphertext: positional reads and writes that loop until complete, and
 * forces that, once one failed, refuse every later force and write (see {@link #failedForce}).
 *
 * <p>One {@code RawFile} serves every channel on the file, so it must outlive an interrupt: {@link
 * ReopeningChannel} holds its current channel and opens it again when an interrupt closed it, and
 * {@link RawLocks} holds its locks and its writer claim, which that reopen takes back; the
 * reopening channel's monitor guards both. Every call here is repeated on the reopened channel, as
 * it is positional and so repeatable; but a force the channel was closed under is not repeated: its
 * {@code fsync} may have failed with the JDK reporting the close instead (Linux reports a writeback
 * error once, so a repeat on a new descriptor could succeed over lost data).
 *
 * <p>A thread already interrupted when it calls here runs the call with its interrupt status
 * cleared, and gets it back afterwards: the internal work of an interrupted thread (a close, a
 * flush) still happens. User calls never get here interrupted: their channel closes first ({@code
 * ClosedByInterruptException}), as a {@code FileChannel} does. The interrupted thread's call
 * completes too, with its interrupt kept; its next call closes its channel.
 */
final class RawFile {
  private final boolean writable;
  private final ReopeningChannel channel;
  private final RawLocks locks;

  /**
   * The first {@code fsync} of this file that failed, or null. Linux reports a writeback error to
   * one {@code fsync} and may drop the pages it could not write, so a later one can succeed over
   * lost data: once a force failed, no force of this file succeeds and no write begins until the
   * file is closed and opened again (the lesson of PostgreSQL's "fsyncgate").
   */
  private final AtomicReference<SyncFailedException> failedForce = new AtomicReference<>();

  /**
   * @param rawPath where the file is; it is reopened there only once the open-file table has told
   *     its identity ({@link #locate})
   */
  RawFile(FileChannel channel, Path rawPath, boolean writable) {
    this.writable = writable;
    this.channel = new ReopeningChannel(channel, rawPath, writable);
    this.locks = this.channel.locks();
  }

  /**
   * Where the file is now and what identifies it ({@link FileIdentity}); {@code path} null once its
   * name was deleted or replaced. Told by the open-file table, under its monitor, and only read
   * here, so a reopen never waits for that monitor.
   */
  void locate(Path path, Object identity) {
    channel.locate(path, identity);
  }

  /** {@link #locate}, while the file is being opened as {@code displayPath}. */
  void locate(Path path, Object identity, String displayPath) {
    locate(path, identity);
    channel.reportAs(new FileName(displayPath));
  }

  /**
   * The underlying file's modification time in milliseconds; -1 when it cannot be told: the file
   * has no name now, also when another program removed or renamed it (the file lives on while it is
   * open, as a plain file does), or its name now holds another file (a log rotated away and a new
   * one made by its name), whose time says nothing of this one's; or the look at the name failed
   * (another program put a file where a directory on its path was, or made one unreadable). Never
   * an exception: the look is this program's own, which a plain file's reader does not make, and
   * its failure failed every read at the end of a file held open, naming the underlying path; the
   * caller looks at the file it holds instead.
   */
  long lastModified() {
    Path at = channel.path();
    if (at == null) {
      return -1;
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(at, BasicFileAttributes.class);
    } catch (IOException e) {
      return -1;
    }
    Object identity = channel.identity();
    Object key = attrs.fileKey();
    if (identity != null && key != null && !identity.equals(key)) {
      return -1;
    }
    return attrs.lastModifiedTime().toMillis();
  }

  /**
   * The bytes the file system holding the file can still give it; {@code Long.MAX_VALUE} when that
   * cannot be told (the file has no name now, or its file system does not say).
   */
  long usableSpace() {
    Path at = channel.path();
    if (at == null) {
      return Long.MAX_VALUE;
    }
    try {
      return Files.getFileStore(at).getUsableSpace();
    } catch (IOException | UnsupportedOperationException e) {
      return Long.MAX_VALUE;
    }
  }

  /** What identifies the file, once told; null before. */
  Object identity() {
    return channel.identity();
  }

  /** The name to report this file by, as it follows moves. */
  void reportAs(FileName displayName) {
    channel.reportAs(displayName);
  }

  boolean writable() {
    return writable;
  }

  long size() throws IOException {
    return repeated("size", FileChannel::size);
  }

  /** Reads until {@code dst} is full or the file ends; returns the bytes read. */
  int readUpTo(ByteBuffer dst, long position) throws IOException {
    return transfer(dst, position, false);
  }

  void writeFully(ByteBuffer src, long position) throws IOException {
    transfer(src, position, true);
  }

  /**
   * Writes all of {@code buffer}, or reads into it until it is full or the file ends; returns the
   * bytes moved. Each step starts from the buffer's position, not from what the calls returned: a
   * call cut short by a close may have moved the buffer and still failed, and moving a range again
   * at the same place is harmless.
   */
  private int transfer(ByteBuffer buffer, long position, boolean write) throws IOException {
    int start = buffer.position();
    boolean interrupted = Thread.interrupted();
    try {
      while (buffer.hasRemaining()) {
        FileChannel c = channel.current();
        long at = position + (buffer.position() - start);
        try {
          if (write) {
            c.write(buffer, at);
          } else if (c.read(buffer, at) < 0) {
            break;
          }
        } catch (ClosedChannelException e) {
          interrupted |= channel.reopenAfter(c, e);
        } catch (IOException e) {
          throw named(write ? "write" : "read", e);
        }
      }
      return buffer.position() - start;
    } finally {
      ReopeningChannel.restore(interrupted);
    }
  }

  void truncate(long size) throws IOException {
    repeated("truncate", c -> c.truncate(size));
  }

  /**
   * Forces the file. A force that the channel was closed under fails (see the class comment): the
   * interrupted thread gets {@code ClosedByInterruptException}, any other {@code
   * SyncFailedException}. One that found the channel closed before it began is repeated.
   */
  void force(boolean metaData) throws IOException {
    refuseAfterFailedForce();
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        FileChannel c = channel.current();
        try {
          c.force(metaData);
          return;
        } catch (ClosedChannelException e) {
          interrupted |= channel.reopenAfter(c, e);
          if (e instanceof ClosedByInterruptException) {
            throw e;
          }
          if (e instanceof AsynchronousCloseException) {
            SyncFailedException cut =
                new SyncFailedException(
                    channel.name()
                        + ": force cut short when an interrupt of another thread closed the"
                        + " underlying channel; whether it made the file durable is unknown");
            cut.initCause(e);
            throw cut;
          }
        } catch (IOException e) {
          throw forceFailed(e);
        }
      }
    } finally {
      ReopeningChannel.restore(interrupted);
    }
  }

  /** Records the first failed {@code fsync} (see {@link #failedForce}); returns its report. */
  private SyncFailedException forceFailed(IOException e) {
    SyncFailedException failed =
        new SyncFailedException(channel.name() + ": force failed: " + describe(e));
    failed.initCause(e);
    failedForce.compareAndSet(null, failed);
    return failed;
  }

  /** Whether a force of this file failed since it was opened (see {@link #failedForce}). */
  boolean forceFailed() {
    return failedForce.get() != null;
  }

  /** Throws once a force of this file failed (see {@link #failedForce}). */
  void refuseAfterFailedForce() throws SyncFailedException {
    SyncFailedException first = failedForce.get();
    if (first != null) {
      SyncFailedException refused =
          new SyncFailedException(
              channel.name()
                  + ": an earlier force of this file failed ("
                  + describe(first.getCause())
                  + "), so what it was to make durable may be lost; the file takes no writes or"
                  + " forces until it is closed and opened again");
      refused.initCause(first);
      throw refused;
    }
  }

  /**
   * An I/O error of the underlying file ({@code EIO}, {@code ENOSPC}: the JDK's messages name no
   * file) naming this file by its encrypted path, never the raw one, so that a program with many
   * files open learns which one failed. The type stays: a {@code FileSystemException} as the same
   * JDK type, any other subclass untouched.
   */
  private IOException named(String what, IOException e) {
    FileName file = channel.name();
    if (file == null) {
      return e;
    }
    if (e instanceof FileSystemException fse) {
      return PathErrors.translate(fse, file.toString());
    }
    if (e.getClass() != IOException.class) {
      return e;
    }
    return new IOException(file + ": " + what + " failed: " + describe(e), e);
  }

  private static String describe(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** Locks a range of the underlying file for {@code lock}; false if another program holds it. */
  boolean tryLock(EncryptedFileLock lock) throws IOException {
    return locks.tryLock(lock);
  }

  /**
   * Locks a range of the underlying file for {@code lock}, waiting while another program holds it.
   * The wait ends for the caller when {@code caller} is stopped (its channel closed: {@code
   * AsynchronousCloseException}) or its thread is interrupted ({@code
   * FileLockInterruptionException}), as a {@code FileChannel}'s does; the underlying channel stays
   * open for the file's other channels ({@link RawLockWait}).
   */
  void lock(EncryptedFileLock lock, RawLockWait.Caller caller) throws IOException {
    locks.lock(lock, caller);
  }

  /** What {@link #claimWriter} found. */
  enum Claim {
    /** This file held the writer lock already. */
    HELD,
    /** Taken now: whatever another writer did before is on disk, and the caller checks it. */
    TAKEN,
    /** Another program, or another encrypted file system in this one, holds it. */
    BUSY
  }

  /**
   * Takes the writer session's exclusive lock on byte 0 of the underlying file, without waiting.
   * Where the underlying file system cannot lock at all, it is reported taken once (so that the
   * caller still checks the file) and held after that.
   */
  Claim claimWriter() throws IOException {
    return locks.claimWriter(channel.name());
  }

  /**
   * Whether another program (or another encrypted file system here) holds the writer lock now: a
   * probe that takes and at once gives back the lock on byte 0 (shared when this file is open
   * read-only), never closing a channel, which would release this program's other locks.
   */
  boolean writerBusy() throws IOException {
    return locks.writerBusy();
  }

  /** Whether this file holds the writer lock (or cannot lock, and claimed it). */
  boolean writerHeld() {
    return locks.writerHeld();
  }

  /** Gives the writer lock up (a session that found the file changed does not write). */
  void releaseWriter() throws IOException {
    locks.releaseWriter();
  }

  /**
   * {@code lock} is being released: a reopen no longer takes it back. Returns whether it was the
   * last lock this program held on the file (false if it was released before).
   */
  boolean unlocked(EncryptedFileLock lock) {
    return locks.unlocked(lock);
  }

  /** Whether this program holds a lock on the file (a caller's, not the writer lock). */
  boolean locked() {
    return locks.anyHeld();
  }

  /** How many times an interrupt made this file reopen its channel. */
  int reopens() {
    return channel.reopens();
  }

  void close() throws IOException {
    channel.close();
  }

  /** One call on the channel. */
  private interface Call<T> {
    T on(FileChannel c) throws IOException;
  }

  /**
   * {@code call} ({@code what}, for its errors), repeated on the reopened channel if the channel
   * was closed under it.
   */
  private <T> T repeated(String what, Call<T> call) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        FileChannel c = channel.current();
        try {
          return call.on(c);
        } catch (ClosedChannelException e) {
          interrupted |= channel.reopenAfter(c, e);
        } catch (IOException e) {
          throw named(what, e);
        }
      }
    } finally {
      ReopeningChannel.restore(interrupted);
    }
  }
}
