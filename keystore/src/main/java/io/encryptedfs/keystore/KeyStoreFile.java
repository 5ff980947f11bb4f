package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads and crash-safely writes a keystore file.
 *
 * <p>A write goes to a temporary file in the same directory, created 0600 and given the old
 * keystore's owner, group and permissions, is forced to the device, and is then renamed over the
 * keystore in one atomic step, after which the directory is forced so the rename itself survives a
 * crash. Readers therefore see the old keystore or the new one, never a mixture, and a crash leaves
 * at worst a stray temporary file, which the next write removes.
 */
final class KeyStoreFile {
  private static final System.Logger LOG = System.getLogger(KeyStoreFile.class.getName());

  /** Far above any real keystore; stops a wrong path (a database file, say) filling the heap. */
  static final long MAX_SIZE = 16L << 20;

  private KeyStoreFile() {}

  static byte[] read(Path file) throws IOException {
    return read(file, MAX_SIZE);
  }

  /**
   * Reads a small file whole into a fresh array, refusing one over {@code maxSize} bytes; a pipe
   * (not a regular file, a directory nor a link), to its end.
   */
  static byte[] read(Path file, long maxSize) throws IOException {
    if (isPipe(file)) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        return FileContents.readStream(channel, file, (int) Math.min(maxSize, MAX_SIZE));
      }
    }
    return ReplaceLock.whileNoneIsReplaced(
        () -> {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return FileContents.read(channel, file, maxSize);
          }
        });
  }

  /**
   * True for a fifo or a character device, as a shell's {@code <(command)} or {@code /dev/stdin}
   * gives: positional reads fail there ("Illegal seek"). A path that cannot be looked at is not
   * one: the read then says why.
   */
  private static boolean isPipe(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).isOther();
    } catch (IOException e) {
      return false;
    }
  }

  /** Forces a directory after a rename in it: {@link #syncDirectory}, but for tests. */
  interface DirectorySync {
    void force(Path dir) throws IOException;
  }

  /**
   * Writes a new keystore; fails if {@code file} exists, even if it appears concurrently.
   *
   * <p>Missing directories are created 0700, and each is forced in its parent along with the
   * keystore's own directory.
   *
   * @param created run as soon as the keystore is in place and before anything that may still fail
   *     (removing the temporary name, forcing the directories): from then on the file exists,
   *     whatever is thrown
   */
  static void createNew(Path file, byte[] contents, DirectorySync sync, Runnable created)
      throws IOException {
    Path dir = directoryOf(file);
    List<Path> madeForIt = OwnerOnly.createDirectories(dir);
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString());
    }
    Path temporary = writeTemporary(dir, file, contents, Optional.empty());
    try {
      try {
        // A hard link is atomic and, unlike rename, refuses to replace an existing file.
        Files.createLink(file, temporary);
      } catch (UnsupportedOperationException e) {
        Files.move(temporary, file);
      }
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(temporary, e);
      throw e;
    }
    created.run();
    FileSystemException stray = null;
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      stray = strayLink(file, temporary, e);
    }
    // Forced even so: the keystore's own name must survive a crash, whatever became of the other.
    try {
      sync.force(dir);
      // A directory made for the keystore is an entry in its parent: lost there, it takes the
      // keystore with it.
      for (Path made : madeForIt) {
        sync.force(made.getParent());
      }
    } catch (IOException | RuntimeException e) {
      if (stray != null) {
        e.addSuppressed(stray);
      }
      throw e;
    }
    if (stray != null) {
      throw stray;
    }
  }

  /**
   * The temporary file is a second link to the new keystore; one left behind would keep the
   * keystore's first, empty version after later writes replace it, so the caller must hear of it.
   * What then finishes the keystore is the caller's to say: a program opens it ({@link
   * Pkcs12KeyStore#create}), where the tool's operator runs {@code keys init} again.
   */
  private static FileSystemException strayLink(Path file, Path temporary, IOException e) {
    FileSystemException stray =
        new FileSystemException(
            file.toString(),
            temporary.toString(),
            "keystore was created, but its temporary file, a second link to it, could not be"
                + " removed ("
                + e.getMessage()
                + "); delete that file");
    stray.initCause(e);
    return stray;
  }

  /**
   * Atomically replaces the keystore, provided it still holds {@code expected}.
   *
   * <p>The check stops a process that opened the keystore earlier from silently dropping a key
   * another process added since, which would make every file written under that key unreadable. The
   * {@link ReplaceLock} is held from the check to the rename, so two writers cannot both pass it.
   *
   * @param replacing run under the lock once the new keystore is written and forced, right before
   *     the rename: a process killed after the rename has run it
   * @param replaced run, still under the lock, as soon as the new keystore is in place and before
   *     anything that may still fail: from then on the file is the new one, whatever is thrown
   */
  static void replace(
      Path file,
      byte[] expected,
      byte[] contents,
      DirectorySync sync,
      Runnable replacing,
      Runnable replaced)
      throws IOException {
    // Where the keystore is reached through a symbolic link, the file it names is replaced, so the
    // link stays one; resolved again under the lock, as the link may have been repointed at
    // another keystore since this process read it.
    Path real = file.toRealPath();
    try (ReplaceLock lock = ReplaceLock.acquire(real)) {
      if (!Arrays.equals(lock.contents(), expected) || !real.equals(file.toRealPath())) {
        // A FileSystemException, so callers that show a failing file's path show this one's.
        throw new FileSystemException(
            real.toString(),
            null,
            "keystore was changed by someone else since it was read; reopen it");
      }
      Path dir = directoryOf(real);
      removeLeftovers(dir, real);
      Path temporary = writeTemporary(dir, real, contents, FileOwnership.of(real));
      try {
        replacing.run();
        Files.move(
            temporary, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        IOException named = renameFailed(real, temporary, e);
        deleteAfterFailure(temporary, named);
        throw named;
      } catch (RuntimeException e) {
        deleteAfterFailure(temporary, e);
        throw e;
      }
      // The rename took the temporary name with it, so from here there is nothing to clean up.
      replaced.run();
      sync.force(dir);
    }
  }

  /**
   * Removes the temporary files that writes which died before their rename left beside the
   * keystore. Each is a whole copy of the keystore as it was, keys retired since included, so one
   * left there would keep a retired key on disk for good. Under the lock no other write has one in
   * progress (a write makes its temporary file under the lock, a create only where no keystore is
   * yet); the directory is forced with the rename that follows. Best effort: the write goes on if
   * one cannot be removed, which is logged, naming it.
   */
  private static void removeLeftovers(Path dir, Path file) {
    String prefix = "." + file.getFileName() + ".";
    try (DirectoryStream<Path> leftovers =
        Files.newDirectoryStream(dir, p -> isLeftover(p.getFileName().toString(), prefix))) {
      for (Path leftover : leftovers) {
        try {
          Files.deleteIfExists(leftover);
        } catch (IOException e) {
          LOG.log(
              System.Logger.Level.WARNING,
              "cannot remove " + leftover + ", a copy of keystore " + file + ": " + e.getMessage());
        }
      }
    } catch (IOException | DirectoryIteratorException | UnsupportedOperationException e) {
      // A file system that cannot list directories keeps its leftovers, as before.
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot look for temporary copies of keystore " + file + ": " + e.getMessage());
    }
  }

  /** Whether {@code name} is one {@link #writeTemporary} gives: the prefix, digits, ".tmp". */
  static boolean isLeftover(String name, String prefix) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
      return false;
    }
    String digits = name.substring(prefix.length(), name.length() - ".tmp".length());
    return !digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /**
   * The JDK names the source of a failed rename, a temporary name the operator has never heard of:
   * name the keystore whose change failed first, then that temporary, which is removed after this.
   */
  private static FileSystemException renameFailed(Path file, Path temporary, IOException e) {
    String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    FileSystemException named =
        new FileSystemException(
            file.toString(),
            temporary.toString(),
            "cannot rename the new keystore into place, so nothing changed: " + reason);
    named.initCause(e);
    return named;
  }

  private static Path directoryOf(Path file) {
    Path absolute = file.toAbsolutePath();
    return absolute.getParent();
  }

  private static Path writeTemporary(
      Path dir, Path file, byte[] contents, Optional<FileOwnership> ownership) throws IOException {
    Path temporary;
    try {
      temporary =
          Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", OwnerOnly.file(dir));
    } catch (IOException e) {
      throw temporaryNotCreated(file, e);
    }
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(contents);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (ownership.isPresent()) {
        ownership.get().applyTo(temporary, file);
      }
      channel.force(true);
    } catch (IOException e) {
      IOException named = named(file, e);
      deleteAfterFailure(temporary, named);
      throw named;
    } catch (RuntimeException e) {
      deleteAfterFailure(temporary, e);
      throw e;
    }
    return temporary;
  }

  /**
   * The JDK names the temporary file it could not create, a name the operator has never heard of
   * (and one that cannot exist when it was too long): name the keystore, which is as it was, and
   * keep that name as the other file. Access denied stays {@link AccessDeniedException}.
   */
  static FileSystemException temporaryNotCreated(Path file, IOException e) {
    String tried = e instanceof FileSystemException fse ? fse.getFile() : null;
    String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    if (reason == null && e instanceof AccessDeniedException) {
      // The JDK gives none, and a message with a reason of its own is printed without the one its
      // type implies: "so nothing changed" alone left the user to guess why.
      reason = "permission denied";
    }
    String message =
        "cannot create the temporary file that was to become the keystore, so nothing changed"
            + (reason == null ? "" : ": " + reason);
    FileSystemException named =
        e instanceof AccessDeniedException
            ? new AccessDeniedException(file.toString(), tried, message)
            : new FileSystemException(file.toString(), tried, message);
    named.initCause(e);
    return named;
  }

  /**
   * Removes the temporary file of a write that failed. Should that fail too (EIO, say), the write's
   * own failure is what the caller needs to hear of; the stray file goes with it.
   */
  private static void deleteAfterFailure(Path temporary, Exception failure) {
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * A write or force that fails says only "No space left on device" or "Input/output error": name
   * the keystore, which is what the user knows of, and say that it is as it was.
   */
  private static IOException named(Path file, IOException e) {
    if (e instanceof FileSystemException || e instanceof ClosedChannelException) {
      return e;
    }
    FileSystemException named =
        new FileSystemException(
            file.toString(),
            null,
            "cannot write the temporary file that was to become the keystore, so nothing changed: "
                + e.getMessage());
    named.initCause(e);
    return named;
  }

  /**
   * Forces the directory so a rename in it survives a crash.
   *
   * @throws FileSystemException if the device reports that forcing failed
   */
  static void syncDirectory(Path dir) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms (Windows, some in-memory file systems) cannot open a directory; the rename
      // is still atomic there, only its durability across a power cut is weaker.
      return;
    }
    try (channel) {
      forceDirectory(dir, () -> channel.force(true));
    }
  }

  interface IoAction {
    void run() throws IOException;
  }

  /** Runs {@code force}; a failure is reported unless the platform cannot force directories. */
  static void forceDirectory(Path dir, IoAction force) throws IOException {
    try {
      force.run();
    } catch (UnsupportedOperationException e) {
      // As for opening: no directory durability to be had here.
    } catch (IOException e) {
      FileSystemException failed =
          new FileSystemException(
              dir.toString(),
              null,
              "cannot force the directory after changing it for the keystore, so the change may"
                  + " not survive a crash: "
                  + e.getMessage());
      failed.initCause(e);
      throw failed;
    }
  }
}
