package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * POSIX permissions for secrets: files 0600 and directories 0700, set as the file is created so
 * there is no moment when another user could open it. On file systems without POSIX permissions the
 * attributes are empty and the platform default applies.
 */
final class OwnerOnly {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private OwnerOnly() {}

  static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  static FileAttribute<?>[] file(Path path) {
    return isPosix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  static FileAttribute<?>[] directory(Path path) {
    return isPosix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)}
        : new FileAttribute<?>[0];
  }

  /**
   * Creates the missing directories of {@code dir}, each 0700.
   *
   * @return the directories created, deepest first; each is a new entry in its parent, which only
   *     forcing that parent makes survive a crash
   */
  static List<Path> createDirectories(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
      missing.add(d);
    }
    if (!missing.isEmpty()) {
      try {
        Files.createDirectories(dir, directory(dir));
      } catch (FileSystemException e) {
        throw notADirectory(missing.get(missing.size() - 1), e);
      }
    }
    return missing;
  }

  /**
   * {@code e}, or, where {@code top}, the outermost missing directory, is a file: the JDK then says
   * only that it "already exists" (or, for a directory below it, "Not a directory", naming that
   * directory), which reads as if the file to create were there. Still a {@link
   * FileAlreadyExistsException}, the type callers handle for a file in a directory's place.
   */
  private static FileSystemException notADirectory(Path top, FileSystemException e) {
    if (!Files.exists(top) || Files.isDirectory(top)) {
      return e; // no file in the way, or a directory made there meanwhile: the JDK's reason stands
    }
    FileAlreadyExistsException said =
        new FileAlreadyExistsException(
            top.toString(), null, "not a directory, so nothing can be made in it");
    said.initCause(e);
    return said;
  }

  /**
   * {@code path}'s permissions, as {@code ls -l} shows them ({@code rw-r--r--}), if its group or
   * others are granted any; null if not, or where the file system has no POSIX permissions. The
   * whole mode is what a reader can act on: the offending bits alone ({@code ---r--r--}) read as an
   * owner without access.
   */
  static String openToOthers(Path path) throws IOException {
    if (!isPosix(path)) {
      return null;
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
    return Collections.disjoint(permissions, GROUP_OR_OTHERS)
        ? null
        : PosixFilePermissions.toString(permissions);
  }
}
