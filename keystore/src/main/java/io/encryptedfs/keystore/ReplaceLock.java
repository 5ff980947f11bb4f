package io.encryptedfs.keystore;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive right to replace a keystore file, against other threads of this JVM and against
 * other processes, held from the check that the file is unchanged until the rename.
 *
 * <p>Across processes it is an exclusive {@link FileChannel#lock() lock} on the keystore file
 * itself, so no lock file is left behind or needs permissions of its own. Writers rename a new file
 * over the keystore, so a writer may find it has locked a file that is no longer the keystore; it
 * then locks the new one and checks that, so a writer that waited behind another sees its change.
 *
 * <p>Within the JVM one lock serialises all keystore reads and writes. A write could not rely on
 * the file lock alone: the JVM refuses a second lock on a file it already locks rather than
 * waiting, and on POSIX systems closing <em>any</em> channel on the file drops the process's lock,
 * so while it is held nothing else in this JVM may open the keystore, not even to read it. One lock
 * for all keystores, because writes are rare and short, and links to one file cannot slip past it.
 * It is never held while another process holds a keystore's file lock: a writer that finds the file
 * locked lets it go and tries again after a pause, so that reads of every keystore (and of password
 * files) go on while another process writes, or hangs holding its lock.
 */
final class ReplaceLock implements Closeable {
  private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

  /** The first pause of a writer that found the keystore locked by another process. */
  private static final long FIRST_PAUSE_NANOS = 1_000_000;

  /** The longest pause: a writer notices the lock given up within about this long. */
  private static final long LAST_PAUSE_NANOS = 50_000_000;

  private final Path file;
  private final FileChannel channel;

  private ReplaceLock(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** Runs {@code read} while no keystore is being replaced by this JVM. */
  static <T> T whileNoneIsReplaced(IoSupplier<T> read) throws IOException {
    IN_THIS_JVM.lock();
    try {
      return read.get();
    } finally {
      IN_THIS_JVM.unlock();
    }
  }

  interface IoSupplier<T> {
    T get() throws IOException;
  }

  /**
   * Waits until this process alone may replace {@code file}.
   *
   * @throws FileLockInterruptionException if the thread is interrupted while another process holds
   *     the lock (its interrupt kept), as {@link FileChannel#lock()} would
   */
  static ReplaceLock acquire(Path file) throws IOException {
    long pause = FIRST_PAUSE_NANOS;
    while (true) {
      IN_THIS_JVM.lock();
      boolean acquired = false;
      try {
        Object before = identity(file);
        FileChannel channel = openForLocking(file);
        try {
          if (tryLock(channel, file)) {
            if (Objects.equals(before, identity(file))) {
              acquired = true;
              return new ReplaceLock(file, channel);
            }
            // Another writer renamed a new keystore into place meanwhile; lock that one instead.
            pause = 0;
          }
        } finally {
          if (!acquired) {
            channel.close();
          }
        }
      } finally {
        if (!acquired) {
          IN_THIS_JVM.unlock();
        }
      }
      if (pause > 0) {
        waitFor(pause);
      }
      pause = Math.min(Math.max(2 * pause, FIRST_PAUSE_NANOS), LAST_PAUSE_NANOS);
    }
  }

  /** Another process holds the lock: a pause, outside this JVM's lock (see the class comment). */
  private static void waitFor(long nanos) throws FileLockInterruptionException {
    LockSupport.parkNanos(nanos);
    if (Thread.currentThread().isInterrupted()) {
      throw new FileLockInterruptionException();
    }
  }

  /** The keystore's contents, read through the locked channel: another would drop the lock. */
  byte[] contents() throws IOException {
    return FileContents.read(channel, file, KeyStoreFile.MAX_SIZE);
  }

  /** Releases the lock; by then the locked file may be the one the new keystore replaced. */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      IN_THIS_JVM.unlock();
    }
  }

  private static Object identity(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  /** Whether this process now holds {@code channel}'s lock; false while another process does. */
  private static boolean tryLock(FileChannel channel, Path file) throws IOException {
    try {
      return channel.tryLock() != null;
    } catch (FileSystemException | ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      // The JDK says only "No locks available" (NFS without a lock daemon, say), not of what.
      FileSystemException named =
          new FileSystemException(
              file.toString(),
              null,
              "cannot lock the keystore to change it, so nothing changed: " + e.getMessage());
      named.initCause(e);
      throw named;
    }
  }

  private static FileChannel openForLocking(Path file) throws IOException {
    try {
      // An exclusive lock needs a channel open for writing; nothing is written through it.
      return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      AccessDeniedException named =
          new AccessDeniedException(
              file.toString(),
              null,
              "keystore is read-only to this user; changing it needs read and write access to the"
                  + " file, which is locked while it is replaced");
      named.initCause(e);
      throw named;
    }
  }
}
