package io.encryptedfs.nio;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Set;

/**
 * Keeps a permission change that is not to follow links ({@code NOFOLLOW_LINKS}) from following
 * one. The JDK's own file system follows it on JDK 25 (25.0.3 on Linux): {@code
 * UnixFileAttributeViews.Posix.setMode} hands {@code O_NOFOLLOW} to its {@code open} as the mode
 * argument, not as a flag, so the open goes through the link and {@code fchmod} changes the target:
 * a file inside the root, or through a link to it the root's marker. On JDK 17 the same call fails
 * on a link, as it must on Linux, where a link has no permissions of its own to change; so on that
 * file system it fails here as there before the JDK is asked, on every JDK. Other file systems
 * (Jimfs) change the link's own permissions and are asked as before.
 *
 * <p>The link is looked at just before the change, so one swapped in at that instant is followed,
 * as with {@code NOFOLLOW_LINKS} on an open (README "Known limits").
 */
final class LinkModes {
  /**
   * What JDK 17 says there on Linux (glibc's words for {@code ELOOP}, from its {@code O_NOFOLLOW}
   * open, and the JDK's own), so that a program sees the same on every JDK.
   */
  static final String REASON =
      "Too many levels of symbolic links or unable to access attributes of symbolic link";

  /** The attribute names that change a file's mode: the JDK's {@code setMode} serves them all. */
  private static final Set<String> MODE_ATTRIBUTES =
      Set.of("posix:permissions", "unix:permissions", "unix:mode");

  private LinkModes() {}

  static boolean changesMode(String attribute) {
    return MODE_ATTRIBUTES.contains(attribute);
  }

  /**
   * Refuses a permission change of {@code p} that is not to follow links, if {@code p} is a link on
   * the JDK's own file system, with the {@code FileSystemException} JDK 17 gives, naming {@code p}.
   */
  static void refuseLink(EncryptedPath p, LinkOption... options) throws IOException {
    Path raw = EncryptedFileSystemProvider.raw(p);
    FileSystemProvider provider = raw.getFileSystem().provider();
    if (!Arrays.asList(options).contains(NOFOLLOW_LINKS)
        || provider != FileSystems.getDefault().provider()) {
      return;
    }
    BasicFileAttributes attrs;
    try {
      attrs = provider.readAttributes(raw, BasicFileAttributes.class, NOFOLLOW_LINKS);
    } catch (IOException e) {
      return; // not there, or not to be looked at: the change itself says so
    }
    if (attrs.isSymbolicLink()) {
      throw new FileSystemException(p.toString(), null, REASON);
    }
  }
}
