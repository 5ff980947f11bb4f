package io.encryptedfs.nio;

import io.encryptedfs.SourceNotDeletedException;
import io.encryptedfs.channel.PathErrors;
import io.encryptedfs.channel.Uninterrupted;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code Files.copy}, and {@code Files.move} between two encrypted roots, as the default file
 * system does them on Linux, with cleartext semantics: a regular file is re-encrypted into a new
 * file with its own file id and data key, so the copy shares no key material with the original. A
 * symbolic link copied without following is a new link with the same target. The target is made
 * with the source's permissions from its creation; a copy that fails after it made its target
 * removes that target (and only it), so no truncated copy is left looking whole, nor does a kill
 * ({@link #copyOver}). A move within one root is the underlying rename; only its target is looked
 * at here.
 */
final class CopyMove {
  private CopyMove() {}

  static void copy(
      EncryptedFileSystemProvider provider,
      EncryptedPath from,
      EncryptedPath to,
      CopyOption... options)
      throws IOException {
    CopyOptions o = CopyOptions.ofCopy(options);
    BasicFileAttributes source = rawAttributes(from, o.followLinks());
    if (o.interruptible()) {
      copyOver(provider, from, source, to, o.replace(), o.copyAttributes(), false);
    } else {
      // The default file system's copy does not heed the thread's interrupt status, while the
      // channels this one copies through would close at their first call (a thread that caught an
      // InterruptedException, set its status again and then copies in a finally, as many do, would
      // fail here and nowhere else); one asked to be INTERRUPTIBLE heeds it.
      Uninterrupted.call(
          () -> copyOver(provider, from, source, to, o.replace(), o.copyAttributes(), false));
    }
  }

  /**
   * A move to another encrypted root: no rename can cross it, so, as across devices, a copy with
   * all attributes and then a delete of the source. An atomic move is not possible, and a directory
   * moves only when empty (or, not replacing, fails on a taken name first); either fails before
   * anything changes. The copy is forced before the source goes: the delete may reach the disk
   * before the copy's unforced bytes do, and a power loss would then take bytes the source had made
   * durable (the file system's close, which would force the copy, may never come); a regular file's
   * copy is put at its name only once whole and forced, its directory then forced ({@link
   * #copyOver}). If the source's delete fails, a copy that took a free name is removed, leaving
   * things as they were, and one made with {@code REPLACE_EXISTING} stays ({@link
   * SourceNotDeletedException}).
   */
  static void moveAcrossRoots(
      EncryptedFileSystemProvider provider,
      EncryptedPath from,
      EncryptedPath to,
      CopyOption... options)
      throws IOException {
    CopyOptions o = CopyOptions.ofMove(options);
    BasicFileAttributes source = rawAttributes(from, false);
    checkTargetDirectory(from, to);
    if (o.atomic()) {
      throw new AtomicMoveNotSupportedException(
          from.toString(), to.toString(), "the target is in another encrypted root");
    }
    if (source.isDirectory() && hasEntries(provider, from)) {
      if (!o.replace() && taken(to)) {
        throw new FileAlreadyExistsException(to.toString()); // as the JDK looks at the name first
      }
      throw new DirectoryNotEmptyException(from.toString());
    }
    Uninterrupted.call( // as a copy does
        () -> {
          copyThenDelete(provider, from, source, to, o.replace());
          return null;
        });
  }

  /**
   * The default file system's move across devices tries a rename first, which fails on a target
   * directory that is missing, a regular file or a loop of links, naming the source and the target;
   * so does this move, before it looks at the target itself. A target no path reaches (an internal
   * name) is left to the copy, which refuses it.
   */
  private static void checkTargetDirectory(EncryptedPath from, EncryptedPath to)
      throws IOException {
    Path rawTo;
    try {
      rawTo = EncryptedFileSystemProvider.raw(to);
    } catch (NoSuchFileException e) {
      return;
    }
    Path dir = rawTo.getParent();
    if (dir == null) {
      return;
    }
    BasicFileAttributes attrs;
    try {
      attrs =
          EncryptedFileSystemProvider.rawProvider(to)
              .readAttributes(dir, BasicFileAttributes.class);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, from.toString(), to.toString());
    }
    if (!attrs.isDirectory()) {
      throw new FileSystemException(from.toString(), to.toString(), "Not a directory");
    }
  }

  private static void copyThenDelete(
      EncryptedFileSystemProvider provider,
      EncryptedPath from,
      BasicFileAttributes source,
      EncryptedPath to,
      boolean replace)
      throws IOException {
    if (!copyOver(provider, from, source, to, replace, true, true)) {
      return;
    }
    try {
      provider.delete(from);
    } catch (IOException | RuntimeException e) {
      if (replace) {
        throw sourceKept(from, to, e);
      }
      EntryCopy.removeAfter(CopyTarget.atName(provider, to), e);
      throw e;
    }
  }

  /**
   * The source's delete failed once the copy had taken the target's name with {@code
   * REPLACE_EXISTING}: what was there is gone, so the copy stays (removed, neither would be there),
   * and the caller learns that both names hold the entry.
   */
  private static SourceNotDeletedException sourceKept(
      EncryptedPath from, EncryptedPath to, Exception failure) {
    String why = Objects.toString(failure.getMessage(), failure.getClass().getName());
    SourceNotDeletedException e =
        new SourceNotDeletedException(
            from.toString(),
            to.toString(),
            "the copy replaced the target, but deleting the source failed ("
                + why
                + "): both now hold it");
    e.initCause(failure);
    return e;
  }

  /**
   * Copies {@code from} to {@code to} once {@link #clearTarget} made way: false if {@code to} is
   * the source itself. A regular file is put at its name only once whole ({@link StagedCopy}), an
   * entry it replaces staying until then; where no rename reaches (another device inside the root)
   * or the staged file cannot be given the group a file made at the name gets, it is copied at its
   * name, as are a directory and a link, which one call makes whole. With {@code durable}, the copy
   * is forced, and its directory once it is at its name.
   */
  private static boolean copyOver(
      EncryptedFileSystemProvider provider,
      EncryptedPath from,
      BasicFileAttributes source,
      EncryptedPath to,
      boolean replace,
      boolean copyAttributes,
      boolean durable)
      throws IOException {
    CreationGroup group = source.isRegularFile() ? StagedCopy.staging(to) : null;
    if (!clearTarget(provider, from, source, to, replace, group != null)) {
      return false;
    }
    if (group != null) {
      StagedCopy staged = StagedCopy.of(to, group.toGive());
      try {
        EntryCopy.copy(provider, from, source, staged, copyAttributes, durable);
        staged.place(replace, durable);
        return true;
      } catch (StagedCopy.GroupRefused e) {
        // nothing made yet: the entry it would replace goes now, as for any copy at the name
        clearTarget(provider, from, source, to, replace, false);
      } finally {
        staged.end();
      }
    }
    EntryCopy.copy(
        provider, from, source, CopyTarget.atName(provider, to), copyAttributes, durable);
    return true;
  }

  /** A move within one root: one rename of the underlying entry, the open-file table following. */
  static void moveWithinRoot(EncryptedPath from, EncryptedPath to, CopyOption... options)
      throws IOException {
    Path rawFrom = EncryptedFileSystemProvider.raw(from);
    Path rawTo;
    try {
      rawTo = rawMoveTarget(from, rawFrom, to, options);
    } catch (FileSystemException e) {
      // The JDK's move looks at the source first: a missing one is what it reports.
      if (Files.notExists(rawFrom, LinkOption.NOFOLLOW_LINKS)) {
        throw new NoSuchFileException(from.toString());
      }
      throw e;
    }
    try {
      from.getFileSystem()
          .files()
          .move(
              rawFrom,
              rawTo,
              to.toAbsolutePath().normalize().toString(),
              () -> EncryptedFileSystemProvider.rawProvider(from).move(rawFrom, rawTo, options));
    } catch (FileSystemException e) {
      // Named as the JDK names them: the target alone when it is the trouble (not empty,
      // already there), so each raw name maps back to its own encrypted path.
      String file = e.getFile() == null ? from.toString() : encrypted(e.getFile(), rawTo, to, from);
      String other =
          e.getOtherFile() == null ? null : encrypted(e.getOtherFile(), rawFrom, from, to);
      throw PathErrors.translate(e, file, other);
    }
  }

  /** The encrypted path for {@code rawName}, one of a move's two raw paths; never a raw path. */
  private static String encrypted(
      String rawName, Path rawCandidate, EncryptedPath candidate, EncryptedPath otherwise) {
    return rawName.equals(rawCandidate.toString()) ? candidate.toString() : otherwise.toString();
  }

  /**
   * The underlying target of a move; an internal target fails as a rename onto a path whose
   * directory is missing does: naming the source and the target, once the source is seen to be
   * there (unless the move is atomic, which the JDK tries at once). A target with a reserved name
   * is refused before anything is looked at, unless it is the source's own underlying path (a
   * rename that changes nothing) or, the move not replacing, an entry is there already.
   */
  static Path rawMoveTarget(
      EncryptedPath from, Path rawFrom, EncryptedPath to, CopyOption... options)
      throws IOException {
    if (ReservedNames.isReserved(to) && !rawFrom.equals(to.getFileSystem().rawPath(to))) {
      List<CopyOption> o = Arrays.asList(options);
      if (!o.contains(StandardCopyOption.ATOMIC_MOVE)
          && !o.contains(StandardCopyOption.REPLACE_EXISTING)) {
        ReservedNames.refuseCreating(to); // as a rename onto an entry there: already exists
      }
      throw ReservedNames.refusal(to);
    }
    try {
      return EncryptedFileSystemProvider.raw(to);
    } catch (NoSuchFileException e) {
      if (!Arrays.asList(options).contains(StandardCopyOption.ATOMIC_MOVE)) {
        try {
          EncryptedFileSystemProvider.rawProvider(from)
              .readAttributes(rawFrom, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (FileSystemException missing) {
          throw PathErrors.translate(missing, from.toString());
        }
      }
      throw new NoSuchFileException(from.toString(), to.toString(), null);
    }
  }

  /**
   * Makes way for the copy at {@code to}: false if it is the source itself (nothing to do). Looks
   * at {@code to} itself, not where a link there points, as the default file system does. With
   * {@code staged}, an entry to replace that a rename can replace (anything but a directory) stays
   * until the staged copy is renamed over it.
   */
  private static boolean clearTarget(
      EncryptedFileSystemProvider provider,
      EncryptedPath from,
      BasicFileAttributes source,
      EncryptedPath to,
      boolean replace,
      boolean staged)
      throws IOException {
    BasicFileAttributes target;
    try {
      target = rawAttributes(to, false);
    } catch (NoSuchFileException e) {
      if (ReservedNames.isReserved(to)) {
        throw ReservedNames.refusal(to);
      }
      return true;
    }
    if (sameFile(from, source, to, target)) {
      return false;
    }
    if (!replace) {
      throw new FileAlreadyExistsException(to.toString());
    }
    if (ReservedNames.isReserved(to)) {
      throw ReservedNames.refusal(to); // before the delete, which would leave nothing in its place
    }
    if (source.isSymbolicLink()) {
      SymbolicLinks.checkTarget(
          to, EntryCopy.linkTarget(from, to)); // so, too, a link the copy would refuse
    }
    if (!staged || target.isDirectory()) {
      provider.delete(to);
    }
    return true;
  }

  /**
   * By file key where the underlying file system has them; keys are compared only within one
   * underlying file system, since two (two Jimfs instances) may number their files alike.
   */
  private static boolean sameFile(
      EncryptedPath from,
      BasicFileAttributes source,
      EncryptedPath to,
      BasicFileAttributes target) {
    Object key = source.fileKey();
    if (key != null && EntryCopy.rawFileSystem(from) == EntryCopy.rawFileSystem(to)) {
      return key.equals(target.fileKey());
    }
    return from.getFileSystem() == to.getFileSystem()
        && from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize());
  }

  private static boolean taken(EncryptedPath to) throws IOException {
    try {
      rawAttributes(to, false);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static boolean hasEntries(EncryptedFileSystemProvider provider, EncryptedPath dir)
      throws IOException {
    try (DirectoryStream<Path> entries = provider.newDirectoryStream(dir, entry -> true)) {
      return entries.iterator().hasNext();
    } catch (DirectoryIteratorException e) {
      // An entry no name of this file system reaches (RawNames) is an entry all the same.
      return true;
    }
  }

  /** The underlying file's attributes, with its permissions where the file system has them. */
  private static BasicFileAttributes rawAttributes(EncryptedPath p, boolean followLinks)
      throws IOException {
    Class<? extends BasicFileAttributes> type =
        EntryCopy.posix(p) ? PosixFileAttributes.class : BasicFileAttributes.class;
    LinkOption[] options =
        followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    return MarkerLinks.attributes(p, EncryptedFileSystemProvider.raw(p), type, options);
  }
}
