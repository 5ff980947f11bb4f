package io.encryptedfs.keystore;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
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
 */
final class ReplaceLock implements Closeable {
  private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

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

  /** Waits until this process alone may replace {@code file}. */
  static ReplaceLock acquire(Path file) throws IOException {
    IN_THIS_JVM.lock();
    try {
      while (true) {
        Object before = identity(file);
        FileChannel channel = openForLocking(file);
        try {
          lock(channel, file);
          if (Objects.equals(before, identity(file))) {
            return new ReplaceLock(file, channel);
          }
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
        // Another writer renamed a new keystore into place meanwhile; lock that one instead.
        channel.close();
      }
    } catch (IOException | RuntimeException | Error e) {
      IN_THIS_JVM.unlock();
      throw e;
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

  private static void lock(FileChannel channel, Path file) throws IOException {
    try {
      channel.lock();
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
