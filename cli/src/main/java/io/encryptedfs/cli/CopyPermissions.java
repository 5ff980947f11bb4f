package io.encryptedfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The permissions {@code encrypt} and {@code decrypt} create a copy with: its source's, as {@code
 * cp} gives them (the umask still applies), so that a file or directory its owner keeps to
 * themselves stays so in the copy. The owner may always read and write a copied file, and enter and
 * write a copied directory: the tool writes, reads back and renames the copy, and writes into the
 * directory, as itself. Without POSIX permissions on either side the target's defaults apply.
 */
final class CopyPermissions {
  private static final Set<PosixFilePermission> OWNER_FILE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Set<PosixFilePermission> OWNER_DIRECTORY =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  private CopyPermissions() {}

  static FileAttribute<?>[] ofFile(Path source, Path target) throws IOException {
    return of(source, target, OWNER_FILE);
  }

  static FileAttribute<?>[] ofDirectory(Path source, Path target) throws IOException {
    return of(source, target, OWNER_DIRECTORY);
  }

  private static FileAttribute<?>[] of(Path source, Path target, Set<PosixFilePermission> owner)
      throws IOException {
    if (!isPosix(source) || !isPosix(target)) {
      return new FileAttribute<?>[0];
    }
    Set<PosixFilePermission> permissions = EnumSet.copyOf(owner);
    permissions.addAll(Files.getPosixFilePermissions(source, LinkOption.NOFOLLOW_LINKS));
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
