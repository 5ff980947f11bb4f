package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A name that {@code .} or {@code ..} follows must be a directory, as the kernel requires where it
 * resolves a path: on a plain file system {@code /missing/../f} and {@code /file/../f} name
 * nothing, though both normalize to {@code /f}. This file system maps a path to its underlying one
 * by name, after normalizing it (so that no {@code ..} leads out of the root; links are not
 * followed for it, see the README's limits), so it looks each such name up itself: one {@code stat}
 * per {@code .} or {@code ..}, in the paths that have one.
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
   * Throws what a plain file system's call would for {@code p} where a name before a {@code .} or
   * {@code ..} is not a directory: {@code NoSuchFileException} where it is missing (or internal,
   * which looks missing), {@code FileSystemException} "Not a directory" where it is something else;
   * each naming {@code p}. (The JDK's own calls differ there by version and call: JDK 25's
   * attribute reads report {@code ENOTDIR} as {@code NoSuchFileException}; this, not knowing the
   * call, reports it as the opens of both do.)
   */
  static void check(EncryptedPath p) throws IOException {
    EncryptedPath abs = p.toAbsolutePath();
    for (int i = 1; i < abs.nameCount(); i++) {
      String name = abs.name(i);
      if (!name.equals(".") && !name.equals("..")) {
        continue;
      }
      EncryptedPath dir = abs.getRoot().resolve(abs.subpath(0, i)).normalize();
      if (dir.nameCount() == 0) {
        continue; // the root, whose parent is itself
      }
      EncryptedFileSystem fs = p.getFileSystem();
      Path raw = fs.rawPath(dir);
      if (fs.isInternal(dir, raw)) {
        throw new NoSuchFileException(p.toString());
      }
      BasicFileAttributes attrs;
      try {
        attrs = fs.root().getFileSystem().provider().readAttributes(raw, BasicFileAttributes.class);
      } catch (FileSystemException e) {
        throw PathErrors.translate(e, p.toString());
      }
      if (!attrs.isDirectory()) {
        throw new FileSystemException(p.toString(), null, NOT_A_DIRECTORY);
      }
    }
  }
}
