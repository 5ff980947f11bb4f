package io.encryptedfs.nio;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Whether this JDK's own file system follows a symbolic link on a permission change with {@code
 * NOFOLLOW_LINKS} (JDK 25 does, see {@link LinkModes}), seen once on a link in a temporary
 * directory; differential tests cannot hold the encrypted root to that.
 */
final class JdkLinkModes {
  private static final boolean FOLLOWS = follows();

  private JdkLinkModes() {}

  static boolean followsLinks() {
    return FOLLOWS;
  }

  private static boolean follows() {
    try {
      Path dir = Files.createTempDirectory("jdk-link-modes");
      Path target = Files.writeString(dir.resolve("target"), "");
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
      Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
      try {
        Files.getFileAttributeView(link, PosixFileAttributeView.class, NOFOLLOW_LINKS)
            .setPermissions(Set.of());
      } catch (FileSystemException e) {
        // refused on the link, as on JDK 17
      }
      boolean followed = Files.getPosixFilePermissions(target).isEmpty();
      Files.delete(link);
      Files.delete(target);
      Files.delete(dir);
      return followed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
