package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;

/**
 * Symbolic links inside an encrypted root. Targets are stored relative to the link on the
 * underlying file system, so a link resolves to the same raw file whichever way the root is
 * reached, and a target that would climb out of the root is refused.
 */
final class SymbolicLinks {
  private SymbolicLinks() {}

  static void create(EncryptedPath l, EncryptedPath t, FileAttribute<?>... attrs)
      throws IOException {
    ReservedNames.refuseCreating(l);
    EncryptedPath relative = storedTarget(l, t);
    Path rawTarget = l.getFileSystem().root().getFileSystem().getPath("", relative.names());
    try {
      EncryptedFileSystemProvider.rawProvider(l)
          .createSymbolicLink(EncryptedFileSystemProvider.raw(l), rawTarget, attrs);
    } catch (FileSystemException e) {
      // name the target only where the underlying file system did: the default names the link
      throw PathErrors.translate(e, l.toString(), e.getOtherFile() == null ? null : t.toString());
    }
  }

  /**
   * Refuses, as {@link #create} would, a link at {@code l} to {@code t} that would climb out of the
   * root: so that a copy can refuse it before it deletes what the link would replace.
   */
  static void checkTarget(EncryptedPath l, EncryptedPath t) throws FileSystemException {
    storedTarget(l, t);
  }

  /**
   * The target as stored, relative to the link, so that it resolves inside the root on the
   * underlying file system too; one that climbs out of the root is refused.
   */
  private static EncryptedPath storedTarget(EncryptedPath l, EncryptedPath t)
      throws FileSystemException {
    EncryptedPath linkAbs = l.toAbsolutePath().normalize();
    EncryptedPath parent = linkAbs.getParent() == null ? linkAbs : linkAbs.getParent();
    EncryptedPath relative = t.isAbsolute() ? parent.relativize(t.normalize()) : t;
    if (t.isAbsolute() && relative.names().length == 0) {
      // the target is the link's own directory, which relative to the link is ".", not the empty
      // target that no file system resolves
      relative = l.getFileSystem().getPath(".");
    }
    if (escapesRoot(parent, relative)) {
      throw new FileSystemException(l.toString(), t.toString(), "link target is outside the root");
    }
    return relative;
  }

  private static boolean escapesRoot(EncryptedPath parent, EncryptedPath relative) {
    int depth = parent.getNameCount();
    for (String name : relative.names()) {
      depth += name.equals("..") ? -1 : name.equals(".") ? 0 : 1;
      if (depth < 0) {
        return true;
      }
    }
    return false;
  }

  static EncryptedPath read(EncryptedPath l) throws IOException {
    Path rawTarget;
    try {
      rawTarget =
          EncryptedFileSystemProvider.rawProvider(l)
              .readSymbolicLink(EncryptedFileSystemProvider.raw(l));
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, l.toString());
    }
    EncryptedFileSystem fs = l.getFileSystem();
    if (rawTarget.isAbsolute()) {
      if (!rawTarget.normalize().startsWith(fs.root())) {
        throw new FileSystemException(l.toString(), null, "link points outside the encrypted root");
      }
      rawTarget = fs.root().relativize(rawTarget.normalize());
      return fs.getPath("/").resolve(toEncrypted(fs, rawTarget, l));
    }
    return toEncrypted(fs, rawTarget, l);
  }

  private static EncryptedPath toEncrypted(
      EncryptedFileSystem fs, Path rawRelative, EncryptedPath link) throws FileSystemException {
    EncryptedPath out = fs.getPath("");
    for (Path name : rawRelative) {
      if (!name.toString().isEmpty()) {
        out = out.resolve(fs.getPath(RawNames.name(name, link.toString())));
      }
    }
    return out;
  }
}
