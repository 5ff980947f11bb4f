package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Set;

/**
 * The current underlying channel of a {@link RawFile}, opened again when an interrupt closed it.
 * The JDK (and Jimfs) close an interruptible channel when a thread blocked in it is interrupted,
 * which would fail every other channel on the file and release their locks. So when a call finds
 * the channel closed though the file was not, the file is opened again at its current path, checked
 * to be the same file (same identity), and its held locks are taken back ({@link
 * RawLocks#takeBack}); the caller repeats its call, which is positional and so repeatable.
 *
 * <p>Its monitor guards the swap of the channel, {@link #closed}, and the lock state of {@link
 * RawLocks}, which takes it to keep that state in step with the channel its locks are on.
 */
final class ReopeningChannel {
  private record Location(Path path, Object identity) {}

  private final boolean writable;
  private final FileSystem fileSystem;
  private final RawLocks locks;
  private volatile FileChannel channel;
  private volatile Location location;
  private volatile FileName name;

  /** Guarded by this monitor. */
  private boolean closed;

  /** How {@link SameFileDescriptors} counts this file's descriptor; null until located. */
  private SameFileDescriptors.Key counted;

  /** Written under this monitor; volatile so that a writer can look before every record. */
  private volatile int reopens;

  /**
   * @param rawPath where the file is; it is reopened there only once the open-file table has told
   *     its identity ({@link #locate})
   */
  ReopeningChannel(FileChannel channel, Path rawPath, boolean writable) {
    this.channel = channel;
    this.writable = writable;
    this.fileSystem = rawPath.getFileSystem();
    this.location = new Location(rawPath, null);
    // Made here, as they are taken back here; they keep this only to reach the channel.
    this.locks = new RawLocks(this, writable);
  }

  /** The locks held on this file, which a reopen takes back. */
  RawLocks locks() {
    return locks;
  }

  static FileChannel open(Path rawPath, boolean writable) throws IOException {
    Set<StandardOpenOption> options =
        writable
            ? EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
            : EnumSet.of(StandardOpenOption.READ);
    return rawPath.getFileSystem().provider().newFileChannel(rawPath, options);
  }

  /** The channel now; a call that finds it closed calls {@link #reopenAfter}. */
  FileChannel current() {
    return channel;
  }

  /** Whether {@code c} is still the channel; asked under this monitor, so that it stays so. */
  boolean isCurrent(FileChannel c) {
    return channel == c;
  }

  /** Whether the file was closed; asked under this monitor. */
  boolean isClosed() {
    return closed;
  }

  /**
   * See {@link RawFile#locate}. The first identity told counts the descriptor among those of this
   * program on the file ({@link SameFileDescriptors}), before any lock is taken on it.
   */
  void locate(Path path, Object identity) {
    location = new Location(path, identity);
    if (identity != null) {
      synchronized (this) {
        if (counted == null && !closed) {
          counted = SameFileDescriptors.opened(fileSystem, identity);
        }
      }
    }
  }

  /** The name to report this file by, as it follows moves; null before it is told. */
  FileName name() {
    return name;
  }

  void reportAs(FileName displayName) {
    name = displayName;
  }

  /** The current path of the file, or null once its name was deleted or replaced. */
  Path path() {
    return location.path();
  }

  /** What identifies the file, once told; null before. */
  Object identity() {
    return location.identity();
  }

  /** How many times an interrupt made this file reopen its channel. */
  int reopens() {
    return reopens;
  }

  /**
   * Releases this file's locks and closes its descriptor, or parks it while another encrypted file
   * system of this program has the file open (see {@link SameFileDescriptors}).
   */
  void close() throws IOException {
    SameFileDescriptors.Key key;
    synchronized (this) {
      if (closed) {
        return; // a second close: the descriptor may be parked, for another file system's use
      }
      closed = true;
      locks.releaseAll();
      key = counted;
    }
    SameFileDescriptors.close(key, channel, writable);
  }

  /**
   * The channel {@code c} was closed under an operation, which {@code e} reports: opens the file
   * again unless that was done already or this file was closed, and clears the interrupt status for
   * the retry. Returns whether the current thread had been interrupted, to restore afterwards.
   */
  boolean reopenAfter(FileChannel c, ClosedChannelException e) throws IOException {
    boolean interrupted = Thread.interrupted();
    synchronized (this) {
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
      locks.takeBack(fresh);
      return interrupted;
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

  /** Gives the current thread back the interrupt status that a call cleared. */
  static void restore(boolean interrupted) {
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
