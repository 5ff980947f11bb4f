package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * Names no call through an encrypted file system creates, in any directory: those starting with the
 * root marker's, {@value EncryptedFileSystem#MARKER}, in any case where the root's directory folds
 * case ({@link MarkerNames}). At the root such names are internal ({@link
 * EncryptedFileSystem#isInternal}); below it, a directory holding a marker is taken for a root of
 * its own ({@link KeyRotation#nestedRoots}), which key rotation and the command-line tool leave
 * alone, so a program that could make one there would exempt that directory from them.
 *
 * <p>The rule is on the name alone, so an ordinary name costs no system call and no race can let
 * one of these through: an open that may create one opens without creating. An entry already there
 * (made before this rule, or a nested root's own marker) stays usable as before: a creating call on
 * it fails, or succeeds, as on any existing entry, which takes one look, made only for these names
 * and never one that decides whether something is created.
 */
final class ReservedNames {
  static final String REASON =
      "the name is reserved for encrypted roots' markers (names starting with "
          + EncryptedFileSystem.MARKER
          + ")";

  /** An open of a file, with the options it is given. */
  interface Opener {
    FileChannel open(Set<? extends OpenOption> options) throws IOException;
  }

  private ReservedNames() {}

  /** Whether the entry {@code p} names, after normalization, has a reserved name. */
  static boolean isReserved(EncryptedPath p) {
    EncryptedPath name = p.toAbsolutePath().normalize().getFileName();
    return name != null && p.getFileSystem().markerNames().isReserved(name.toString());
  }

  /** The refusal of a call that would create {@code p}. */
  static FileSystemException refusal(EncryptedPath p) {
    return new FileSystemException(p.toString(), null, REASON);
  }

  /**
   * For a call that creates {@code p} or fails: nothing if the name is ordinary; else {@link
   * FileAlreadyExistsException} where an entry is there, as without this rule, or the refusal. An
   * internal name at the root is never seen there, so that the answer does not tell whether it is.
   */
  static void refuseCreating(EncryptedPath p) throws IOException {
    if (!isReserved(p)) {
      return;
    }
    if (exists(p)) {
      throw new FileAlreadyExistsException(p.toString());
    }
    throw refusal(p);
  }

  /**
   * Opens {@code p} with {@code opener}. Where the open could create a file with a reserved name,
   * CREATE_NEW is refused as {@link #refuseCreating} says, and CREATE is dropped, so an existing
   * file opens as before and a missing one is refused instead of made.
   */
  static FileChannel open(EncryptedPath p, Set<? extends OpenOption> options, Opener opener)
      throws IOException {
    boolean writes =
        options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    boolean creates =
        options.contains(StandardOpenOption.CREATE)
            || options.contains(StandardOpenOption.CREATE_NEW);
    // Without WRITE or APPEND the JDK ignores the creating options, and so does the open.
    if (!writes || !creates || !isReserved(p)) {
      return opener.open(options);
    }
    if (options.contains(StandardOpenOption.CREATE_NEW)) {
      refuseCreating(p);
    }
    Set<OpenOption> existing = new HashSet<>(options);
    existing.remove(StandardOpenOption.CREATE);
    try {
      return opener.open(existing);
    } catch (NoSuchFileException e) {
      FileSystemException refused = refusal(p);
      refused.initCause(e);
      throw refused;
    }
  }

  /** Whether an entry of any kind (a link not followed) is at {@code p}, internal names aside. */
  private static boolean exists(EncryptedPath p) {
    try {
      EncryptedFileSystemProvider.rawProvider(p)
          .readAttributes(
              EncryptedFileSystemProvider.raw(p),
              BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
