package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.Objects;

/**
 * Hard links inside one encrypted root. A file's blocks are sealed with its own id and keys, never
 * its name, so a second name reads as the first does, and the table of open files finds files by
 * identity, so both names reach one open file. Only regular files are linked: a hard link to a
 * symbolic link would resolve the link's relative target from another directory, possibly out of
 * the root, and one to the root's marker would let a program write it.
 */
final class HardLinks {
  private HardLinks() {}

  static void create(EncryptedPath link, EncryptedPath existing) throws IOException {
    if (link.getFileSystem() != existing.getFileSystem()) {
      // Its header is wrapped for this root's key: another root might not open it at all.
      throw new FileSystemException(
          link.toString(), existing.toString(), "a hard link cannot join two encrypted roots");
    }
    ReservedNames.refuseCreating(link);
    FileSystemProvider rawProvider = EncryptedFileSystemProvider.rawProvider(existing);
    Path rawExisting = EncryptedFileSystemProvider.raw(existing);
    BasicFileAttributes before;
    try {
      before =
          MarkerLinks.attributes(
              existing, rawExisting, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      // Named as the JDK's link call names it: the link, then the file it was to join.
      throw new NoSuchFileException(link.toString(), existing.toString(), null);
    }
    if (!before.isRegularFile()) {
      throw new FileSystemException(
          existing.toString(),
          link.toString(),
          before.isDirectory()
              ? "is a directory: hard links are made to regular files only"
              : "is not a regular file: hard links are made to regular files only");
    }
    Path rawLink = EncryptedFileSystemProvider.raw(link);
    try {
      rawProvider.createLink(rawLink, rawExisting);
    } catch (FileSystemException e) {
      // Named as the JDK names them: the link where it is the trouble (there already, no
      // directory), both where the underlying file system named both.
      throw PathErrors.translate(
          e, link.toString(), e.getOtherFile() == null ? null : existing.toString());
    }
    refuseSwapped(link, rawLink, existing, before, rawProvider);
  }

  /**
   * Removes the new link and fails if what it names is not the file looked at before: another
   * program swapped a symbolic link or another file in at {@code existing} meanwhile.
   */
  private static void refuseSwapped(
      EncryptedPath link,
      Path rawLink,
      EncryptedPath existing,
      BasicFileAttributes before,
      FileSystemProvider rawProvider)
      throws IOException {
    BasicFileAttributes made =
        rawProvider.readAttributes(rawLink, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (made.isRegularFile() && Objects.equals(made.fileKey(), before.fileKey())) {
      return;
    }
    link.getFileSystem().files().delete(rawLink, () -> rawProvider.delete(rawLink));
    throw new FileSystemException(
        existing.toString(),
        link.toString(),
        "changed while the hard link was made; the link was removed");
  }
}
