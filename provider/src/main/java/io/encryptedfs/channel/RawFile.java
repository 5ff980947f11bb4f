package io.encryptedfs.channel;

import java.io.EOFException;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The underlying file of ciphertext: positional reads and writes that loop until complete.
 *
 * <p>One {@code RawFile} serves every channel on the file, so it must outlive an interrupt. The
 * JDK (and Jimfs) close an interruptible channel when a thread blocked in it is interrupted, which
 * would fail every other channel on the file and release their locks. So:
 *
 * <ul>
 *   <li>A thread already interrupted when it calls here runs the call with its interrupt status
 *       cleared, and gets it back afterwards: the internal work of an interrupted thread (a close,
 *       a flush) still happens. User calls never get here interrupted: their channel closes first
 *       ({@code ClosedByInterruptException}), as a {@code FileChannel} does.
 *   <li>When a call finds the channel closed though this file was not, the file is opened again
 *       at its current path, checked to be the same file (same identity), its held locks are taken
 *       back, and the call is repeated, which is positional and so repeatable. The interrupted
 *       thread's call completes too, with its interrupt kept; its next call closes its channel.
 *   <li>The interrupted thread's wait for a lock is given up, not repeated (it may never end);
 *       other threads' waits are. A force the channel was closed under is not repeated: its
 *       {@code fsync} may have failed with the JDK reporting the close instead (Linux reports a
 *       writeback error once, so a repeat on a new descriptor could succeed over lost data).
 * </ul>
 */
final class RawFile {
  private static final System.Logger LOG = System.getLogger(RawFile.class.getName());
  private record Location(Path path, Object identity) {}

  private final boolean writable;
  private final Object reopening = new Object();
  private final Set<EncryptedFileLock> locks = new LinkedHashSet<>();
  /** The writer session's lock on byte 0 ({@link #claimWriter}); null when not held. */
  private volatile FileLock writerLock;
  /** The underlying file system cannot lock: a writer session goes on without the lock. */
  private volatile boolean cannotLock;
  /** A reopen took the writer lock back: the next claim reports it taken, not held. */
  private volatile boolean writerRetaken;
  private volatile FileChannel channel;
  private volatile Location location;
  private volatile FileName name;
  private boolean closed;
  /** Written under {@code reopening}; volatile so that a writer can look before every record. */
  private volatile int reopens;
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
    this.channel = channel;
    this.writable = writable;
    this.location = new Location(rawPath, null);
  }

  /** The raw file opened read-write if possible, else read-only for readers; null if absent. */
  static RawFile openExisting(Path rawPath, String displayPath, ChannelMode mode)
      throws IOException {
    try {
      return new RawFile(open(rawPath, true), rawPath, true);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      if (mode.write()) {
        throw PathErrors.translate(e, displayPath);
      }
    } catch (UnsupportedOperationException e) {
      if (mode.write()) {
        throw e;
      }
    }
    try {
      return new RawFile(open(rawPath, false), rawPath, false);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, displayPath);
    }
  }

  private static FileChannel open(Path rawPath, boolean writable) throws IOException {
    Set<StandardOpenOption> options =
        writable
            ? EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
            : EnumSet.of(StandardOpenOption.READ);
    return rawPath.getFileSystem().provider().newFileChannel(rawPath, options);
  }

  /**
   * Where the file is now and what identifies it ({@link FileIdentity}); {@code path} null once
   * its name was deleted or replaced. Told by the open-file table, under its monitor, and only
   * read here, so a reopen never waits for that monitor.
   */
  void locate(Path path, Object identity) {
    location = new Location(path, identity);
  }

  /** {@link #locate}, while the file is being opened as {@code displayPath}. */
  void locate(Path path, Object identity, String displayPath) {
    locate(path, identity);
    name = new FileName(displayPath);
  }

  /** The underlying file's modification time in milliseconds; -1 if it has no name now. */
  long lastModified() throws IOException {
    Path at = location.path();
    return at == null ? -1 : Files.getLastModifiedTime(at).toMillis();
  }

  /** What identifies the file, once told; null before. */
  Object identity() {
    return location.identity();
  }

  /** The name to report this file by, as it follows moves. */
  void reportAs(FileName displayName) {
    name = displayName;
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

  void readFully(ByteBuffer dst, long position) throws IOException {
    int want = dst.remaining();
    int got = readUpTo(dst, position);
    if (got < want) {
      throw new EOFException(name + ": raw file ends " + (want - got) + " bytes early");
    }
  }

  void writeFully(ByteBuffer src, long position) throws IOException {
    transfer(src, position, true);
  }

  /**
   * Writes all of {@code buffer}, or reads into it until it is full or the file ends; returns the
   * bytes moved. Each step starts from the buffer's position, not from what the calls returned:
   * a call cut short by a close may have moved the buffer and still failed, and moving a range
   * again at the same place is harmless.
   */
  private int transfer(ByteBuffer buffer, long position, boolean write) throws IOException {
    int start = buffer.position();
    boolean interrupted = Thread.interrupted();
    try {
      while (buffer.hasRemaining()) {
        FileChannel c = channel;
        long at = position + (buffer.position() - start);
        try {
          if (write) {
            c.write(buffer, at);
          } else if (c.read(buffer, at) < 0) {
            break;
          }
        } catch (ClosedChannelException e) {
          interrupted |= reopenAfter(c, e);
        } catch (IOException e) {
          throw named(write ? "write" : "read", e);
        }
      }
      return buffer.position() - start;
    } finally {
      restore(interrupted);
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
        FileChannel c = channel;
        try {
          c.force(metaData);
          return;
        } catch (ClosedChannelException e) {
          interrupted |= reopenAfter(c, e);
          if (e instanceof ClosedByInterruptException) {
            throw e;
          }
          if (e instanceof AsynchronousCloseException) {
            SyncFailedException cut =
                new SyncFailedException(
                    name
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
      restore(interrupted);
    }
  }

  /** Records the first failed {@code fsync} (see {@link #failedForce}); returns its report. */
  private SyncFailedException forceFailed(IOException e) {
    SyncFailedException failed = new SyncFailedException(name + ": force failed: " + describe(e));
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
              name
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
    FileName file = name;
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

  /**
   * Locks a range of the underlying file for {@code lock}, waiting if {@code wait}; false if
   * another program holds it. A thread interrupted while it waits gets {@code
   * ClosedByInterruptException}, and the file is reopened for everyone else.
   */
  boolean lock(EncryptedFileLock lock, boolean wait) throws IOException {
    while (true) {
      FileChannel c = channel;
      try {
        FileLock raw =
            wait
                ? c.lock(lock.rawPosition(), lock.rawSize(), lock.isShared())
                : c.tryLock(lock.rawPosition(), lock.rawSize(), lock.isShared());
        if (raw == null) {
          return false;
        }
        synchronized (reopening) {
          if (channel != c) {
            // Closed since, and the reopen did not know about this lock: take it again.
            continue;
          }
          lock.holdAs(raw);
          locks.add(lock);
          return true;
        }
      } catch (ClosedByInterruptException e) {
        restore(reopenAfter(c, e));
        throw e;
      } catch (ClosedChannelException e) {
        restore(reopenAfter(c, e));
      }
    }
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
    Claim known = knownClaim();
    if (known != null) {
      return known;
    }
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        FileChannel c = channel;
        FileLock taken;
        try {
          taken = c.tryLock(0, 1, false);
        } catch (ClosedChannelException e) {
          interrupted |= reopenAfter(c, e);
          // The reopen took back the lock if this file held it on the closed channel.
          known = knownClaim();
          if (known != null) {
            return known;
          }
          continue;
        } catch (OverlappingFileLockException e) {
          // A lock of this program on the same file through another channel: another encrypted
          // file system that reaches it (a nested root, a hard link); a caller's locks never reach
          // byte 0.
          return Claim.BUSY;
        } catch (IOException | UnsupportedOperationException e) {
          cannotLock = true;
          LOG.log(
              System.Logger.Level.WARNING,
              name
                  + ": the underlying file system cannot lock files ("
                  + e.getClass().getSimpleName()
                  + "), so a second writer in another program would not be detected");
          return Claim.TAKEN;
        }
        if (taken == null) {
          return Claim.BUSY;
        }
        synchronized (reopening) {
          if (channel != c || closed) {
            // Reopened meanwhile: the lock went with the old channel.
            if (closed) {
              throw new ClosedChannelException();
            }
            continue;
          }
          writerLock = taken;
          return Claim.TAKEN;
        }
      }
    } finally {
      restore(interrupted);
    }
  }

  /**
   * The claim this file has without taking the lock: taken back by a reopen (to be checked), held,
   * or moot where the file system cannot lock; null when it must be taken.
   */
  private Claim knownClaim() {
    if (writerRetaken) {
      synchronized (reopening) {
        writerRetaken = false;
        if (writerLock != null) {
          // A reopen took it back; someone may have written while the file was unlocked.
          return Claim.TAKEN;
        }
      }
    }
    FileLock held = writerLock;
    if (held != null && held.isValid()) {
      return Claim.HELD;
    }
    return cannotLock ? Claim.HELD : null;
  }

  /**
   * Whether another program (or another encrypted file system here) holds the writer lock now: a
   * probe that takes and at once gives back the lock on byte 0 (shared when this file is open
   * read-only), never closing a channel, which would release this program's other locks.
   */
  boolean writerBusy() throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        FileChannel c = channel;
        try {
          FileLock probe = c.tryLock(0, 1, !writable);
          if (probe == null) {
            return true;
          }
          probe.release();
          return false;
        } catch (ClosedChannelException e) {
          interrupted |= reopenAfter(c, e);
        } catch (OverlappingFileLockException e) {
          return true;
        } catch (IOException | UnsupportedOperationException e) {
          return false;
        }
      }
    } finally {
      restore(interrupted);
    }
  }

  /** Whether this file holds the writer lock (or cannot lock, and claimed it). */
  boolean writerHeld() {
    FileLock held = writerLock;
    return (held != null && held.isValid()) || cannotLock;
  }

  /** Gives the writer lock up (a session that found the file changed does not write). */
  void releaseWriter() throws IOException {
    FileLock held;
    synchronized (reopening) {
      held = writerLock;
      writerLock = null;
    }
    if (held != null && held.isValid()) {
      held.release();
    }
  }

  /**
   * {@code lock} is being released: a reopen no longer takes it back. Returns whether it was the
   * last lock this program held on the file (false if it was released before).
   */
  boolean unlocked(EncryptedFileLock lock) {
    synchronized (reopening) {
      return locks.remove(lock) && locks.isEmpty();
    }
  }

  /** How many times an interrupt made this file reopen its channel. */
  int reopens() {
    return reopens;
  }

  void close() throws IOException {
    synchronized (reopening) {
      closed = true;
      locks.clear();
      writerLock = null;
    }
    channel.close();
  }

  /**
   * The channel {@code c} was closed under an operation, which {@code e} reports: opens the file
   * again unless that was done already or this file was closed, and clears the interrupt status
   * for the retry. Returns whether the current thread had been interrupted, to restore afterwards.
   */
  private boolean reopenAfter(FileChannel c, ClosedChannelException e) throws IOException {
    boolean interrupted = Thread.interrupted();
    synchronized (reopening) {
      if (closed) {
        restore(interrupted);
        throw e;
      }
      if (channel != c) {
        return interrupted;
      }
      Location at = location;
      if (at.identity() == null) {
        // Still being opened: nothing tells the file at its path is this one, and the open fails.
        restore(interrupted);
        throw e;
      }
      FileChannel fresh;
      try {
        fresh = reopen(at);
      } catch (IOException | RuntimeException failure) {
        restore(interrupted);
        // Named by the encrypted path only, as every exception of the file system is.
        FileSystemException cannot =
            new FileSystemException(
                String.valueOf(name),
                null,
                "the underlying file's channel was closed by an interrupt, and reopening it"
                    + " failed: "
                    + reason(failure));
        cannot.initCause(e);
        throw cannot;
      }
      try {
        c.close();
      } catch (IOException ignored) {
        // It is closed already; this only releases what a wrapping channel holds.
      }
      channel = fresh;
      reopens++;
      for (EncryptedFileLock lock : locks) {
        lock.takeBack(fresh);
      }
      if (writerLock != null) {
        // Lost if another writer took it in between: the next write claims it again, and then
        // checks what that writer did.
        writerLock = takeWriterBack(fresh);
        writerRetaken = true;
      }
      return interrupted;
    }
  }

  private static FileLock takeWriterBack(FileChannel fresh) {
    try {
      return fresh.tryLock(0, 1, false);
    } catch (IOException | OverlappingFileLockException e) {
      return null;
    }
  }

  private FileChannel reopen(Location at) throws IOException {
    if (at.path() == null) {
      throw new FileSystemException(null, null, "its name was deleted or given to another file");
    }
    FileChannel fresh = open(at.path(), writable);
    try {
      Object now =
          FileIdentity.of(at.path(), Files.readAttributes(at.path(), BasicFileAttributes.class));
      if (!at.identity().equals(now)) {
        throw new FileSystemException(null, null, "another file has its name now");
      }
      return fresh;
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
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
        FileChannel c = channel;
        try {
          return call.on(c);
        } catch (ClosedChannelException e) {
          interrupted |= reopenAfter(c, e);
        } catch (IOException e) {
          throw named(what, e);
        }
      }
    } finally {
      restore(interrupted);
    }
  }

  /** Why a reopen failed, without the underlying path that the JDK's messages name. */
  private static String reason(Exception failure) {
    if (failure instanceof NoSuchFileException) {
      return "the file is gone";
    }
    if (failure instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return failure.getClass().getSimpleName();
  }

  private static void restore(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
