package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * A name that {@code .} or {@code ..} follows must be a directory, as the kernel requires where it
 * resolves a path: on a plain file system {@code /missing/../f} and {@code /file/../f} name
 * nothing, though both normalize to {@code /f}; and a link there is followed before the dot name
 * applies, so {@code link/.} is the link's target directory and {@code link/..} that directory's
 * parent. This file system maps a path to its underlying one by name, after normalizing it (so that
 * no {@code ..} leads out of the root), so it resolves each such name itself: one {@code lstat} per
 * {@code .} or {@code ..} in the paths that have one, and for a link a {@code stat} and the link's
 * real path. A last name {@code .} or {@code ..} names a directory that cannot be removed or moved
 * through that name, as on Linux ({@link #refuseRemoving}, {@link #refuseMoving}).
 */
final class DotNames {
  /** The reason Linux gives for {@code ENOTDIR}, as the JDK reports it. */
  private static final String NOT_A_DIRECTORY = "Not a directory";

  private DotNames() {}

  /**
   * Whether {@code e} says that a name on the way is not a directory, as the JDK reports {@code
   * ENOTDIR}: the JDK's listing throws {@code NotDirectoryException} for it instead.
   */
  static boolean notADirectory(FileSystemException e) {
    return e.getClass() == FileSystemException.class && NOT_A_DIRECTORY.equals(e.getReason());
  }

  /**
   * {@code p} made absolute and normalized as the kernel resolves it: each name that a {@code .} or
   * {@code ..} follows must be a directory, or a link to one, and a link there is followed first,
   * so {@code link/.} is the directory the link leads to and {@code link/..} that directory's
   * parent, as on Linux. Where such a name is not a directory, throws what a plain file system's
   * call would: {@code NoSuchFileException} where it is missing (or internal, which looks missing),
   * {@code FileSystemException} "Not a directory" where it is something else; each naming {@code
   * p}. (The JDK's own calls differ there by version and call: JDK 25's attribute reads report
   * {@code ENOTDIR} as {@code NoSuchFileException}; this, not knowing the call, reports it as the
   * opens of both do.) A path without such names is only made absolute and normalized.
   */
  static EncryptedPath resolved(EncryptedPath p) throws IOException {
    EncryptedPath abs = p.toAbsolutePath();
    if (!hasDotName(abs)) {
      return abs.normalize();
    }
    EncryptedPath current = abs.getRoot();
    int last = abs.nameCount() - 1;
    for (int i = 0; i <= last; i++) {
      String name = abs.name(i);
      boolean dot = name.equals(".");
      if (!dot && !name.equals("..")) {
        current = current.resolve(current.getFileSystem().getPath(name));
        continue;
      }
      if (current.nameCount() == 0) {
        continue; // the root, whose parent is itself
      }
      if (requireDirectory(current, p)) {
        // A link's own parent is not its target's; and a path ending in a dot name is the
        // directory, not the link.
        current = realPath(current, p);
      }
      if (!dot) {
        EncryptedPath parent = current.getParent();
        current = parent == null ? current.getRoot() : parent;
        if (i == last && current.nameCount() > 0 && isLink(current, p)) {
          current = realPath(current, p);
        }
      }
    }
    return current;
  }

  private static boolean hasDotName(EncryptedPath abs) {
    for (int i = 0; i < abs.nameCount(); i++) {
      String name = abs.name(i);
      if (name.equals(".") || name.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Throws, naming {@code p}, unless {@code dir} (without dot names) is a directory or a link to
   * one; returns whether it is a link. One look for a directory, a second for a link.
   */
  private static boolean requireDirectory(EncryptedPath dir, EncryptedPath p) throws IOException {
    BasicFileAttributes attrs = attributes(dir, p, LinkOption.NOFOLLOW_LINKS);
    if (attrs.isDirectory()) {
      return false;
    }
    if (attrs.isSymbolicLink() && attributes(dir, p).isDirectory()) {
      return true;
    }
    throw new FileSystemException(p.toString(), null, NOT_A_DIRECTORY);
  }

  private static boolean isLink(EncryptedPath dir, EncryptedPath p) throws IOException {
    return attributes(dir, p, LinkOption.NOFOLLOW_LINKS).isSymbolicLink();
  }

  /** {@code dir}'s attributes from the underlying file system; failures name {@code p}. */
  private static BasicFileAttributes attributes(
      EncryptedPath dir, EncryptedPath p, LinkOption... options) throws IOException {
    EncryptedFileSystem fs = p.getFileSystem();
    Path raw = fs.rawPath(dir);
    if (fs.isInternal(dir, raw)) {
      throw new NoSuchFileException(p.toString());
    }
    try {
      return fs.root()
          .getFileSystem()
          .provider()
          .readAttributes(raw, BasicFileAttributes.class, options);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
  }

  /** The directory the link {@code dir} leads to; failures name {@code p}. */
  private static EncryptedPath realPath(EncryptedPath dir, EncryptedPath p) throws IOException {
    try {
      return dir.getFileSystem().provider().toRealPath(dir);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
  }

  /** Whether {@code p}'s last name is {@code .} or {@code ..}. */
  static boolean endsInDotName(EncryptedPath p) {
    int n = p.nameCount();
    return n > 0 && (p.name(n - 1).equals(".") || p.name(n - 1).equals(".."));
  }

  /**
   * Refuses to remove what {@code p} names, where its last name is {@code .} or {@code ..}, as
   * Linux refuses {@code rmdir} of such a path ({@code EINVAL}; {@code ENOTEMPTY} for {@code ..}):
   * before, {@code delete(dir/.)} deleted {@code dir}, and a copy or move replacing {@code dir/.}
   * removed {@code dir} and then failed.
   */
  static void refuseRemoving(EncryptedPath p) throws FileSystemException {
    if (!endsInDotName(p)) {
      return;
    }
    if (p.name(p.nameCount() - 1).equals("..")) {
      throw new DirectoryNotEmptyException(p.toString());
    }
    throw new FileSystemException(p.toString(), null, "Invalid argument");
  }

  /**
   * Refuses to move {@code from} where its last name is {@code .} or {@code ..}, as Linux refuses
   * such a {@code rename} ({@code EBUSY}): before, moving {@code d/x/..} moved {@code d}; and to
   * replace such a {@code to} ({@link #refuseReplacing}).
   */
  static void refuseMoving(EncryptedPath from, EncryptedPath to, CopyOption... options)
      throws IOException {
    if (endsInDotName(from)) {
      // A name on the way that is missing or not a directory says so first.
      EncryptedFileSystemProvider.raw(from);
      throw new FileSystemException(from.toString(), to.toString(), "Device or resource busy");
    }
    refuseReplacing(to, options);
  }

  /**
   * A copy or move that may replace {@code to}, where {@code to}'s last name is {@code .} or {@code
   * ..} and it exists, fails as the removal of the directory it names would ({@link
   * #refuseRemoving}), before anything is removed.
   */
  static void refuseReplacing(EncryptedPath to, CopyOption... options) throws IOException {
    if (!endsInDotName(to)
        || !Arrays.asList(options).contains(StandardCopyOption.REPLACE_EXISTING)) {
      return;
    }
    Path raw;
    try {
      raw = EncryptedFileSystemProvider.raw(to);
    } catch (NoSuchFileException e) {
      return; // a name on the way is missing: the copy says so as it would have
    }
    if (Files.exists(raw, LinkOption.NOFOLLOW_LINKS)) {
      refuseRemoving(to);
    }
  }
}
