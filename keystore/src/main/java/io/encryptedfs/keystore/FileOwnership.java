package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * A keystore's owner, group and permissions, which each rewrite gives the new file.
 *
 * <p>A rewrite is a new file renamed over the old one, so without this an administrator who rotates
 * a service's keystore as root would leave it owned by root and unreadable to the service. The
 * permissions are kept as they were, even wider than owner-only: the administrator chose them, and
 * opening the keystore warns about them. When the owner or group cannot be kept (a user other than
 * root rewriting another user's keystore), the write is refused rather than the keystore silently
 * changing hands.
 */
record FileOwnership(UserPrincipal owner, GroupPrincipal group, Set<PosixFilePermission> mode) {

  /** The ownership of {@code file}; empty where the file system has no POSIX attributes. */
  static Optional<FileOwnership> of(Path file) throws IOException {
    if (!OwnerOnly.isPosix(file)) {
      return Optional.empty();
    }
    PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
    return Optional.of(
        new FileOwnership(attributes.owner(), attributes.group(), attributes.permissions()));
  }

  /** Gives {@code copy}, a new version of {@code keystore}, this ownership and mode. */
  void applyTo(Path copy, Path keystore) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(copy, PosixFileAttributeView.class);
    applyTo(view, view.readAttributes(), keystore);
  }

  /**
   * Changes whatever of owner, group and mode differs between {@code current} and this through
   * {@code view}.
   *
   * @throws FileSystemException naming {@code keystore} and both owners if the owner or group
   *     cannot be changed
   */
  void applyTo(PosixFileAttributeView view, PosixFileAttributes current, Path keystore)
      throws IOException {
    try {
      if (!current.owner().equals(owner)) {
        view.setOwner(owner);
      }
      if (!current.group().equals(group)) {
        view.setGroup(group);
      }
    } catch (FileSystemException e) {
      FileSystemException refused =
          new FileSystemException(
              keystore.toString(),
              null,
              "keystore is owned by "
                  + names(owner, group)
                  + " but a file this process creates beside it is owned by "
                  + names(current.owner(), current.group())
                  + " and cannot be given that owner ("
                  + e.getReason()
                  + "); nothing written: run the command as "
                  + owner.getName()
                  + " or as root");
      refused.initCause(e);
      throw refused;
    }
    view.setPermissions(mode);
  }

  private static String names(UserPrincipal user, GroupPrincipal group) {
    return user.getName() + ":" + group.getName();
  }
}
