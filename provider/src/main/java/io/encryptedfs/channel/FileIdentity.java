package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * How {@link PathTable} tells underlying files apart: by file key (device and inode on POSIX
 * systems), which every name of a file shares, or by real path where the file system has no file
 * keys.
 */
final class FileIdentity {
  private FileIdentity() {}

  /**
   * What identifies the underlying file at {@code rawPath} (links followed), whose attributes are
   * {@code attrs}: its file key, or its real path where the file system has no file keys.
   */
  static Object of(Path rawPath, BasicFileAttributes attrs) throws IOException {
    Object fileKey = attrs.fileKey();
    return fileKey != null ? fileKey : rawPath.toRealPath();
  }

  /** The identity of the file at {@code rawPath}, or null if there is none. */
  static Object ofExisting(Path rawPath, String displayPath) throws IOException {
    BasicFileAttributes attrs = attributes(rawPath, displayPath);
    return attrs == null ? null : of(rawPath, attrs);
  }

  /**
   * Whether the name {@code key} (a real path, or null for none) still holds the file with identity
   * {@code id}. True when that cannot be told: a caller lets a file go only once it is sure no name
   * of it is left to reach it by.
   */
  static boolean holds(Path key, Object id) {
    if (key == null) {
      return false;
    }
    try {
      Object now = ofExisting(key, key.toString());
      return now == null ? false : now.equals(id);
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /**
   * Whether the file named {@code key} (a link not followed) has other names: hard links, which its
   * link count tells where the file system has one (the {@code unix} view). False where it cannot
   * be told, which is where such a file system has no hard links.
   */
  static boolean hasOtherNames(Path key) {
    try {
      return Files.getAttribute(key, "unix:nlink", LinkOption.NOFOLLOW_LINKS) instanceof Integer n
          && n > 1;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The attributes of the file at {@code rawPath} (links followed), or null if there is none. */
  static BasicFileAttributes attributes(Path rawPath, String displayPath) throws IOException {
    try {
      return Files.readAttributes(rawPath, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, displayPath);
    }
  }

  /**
   * {@code rawPath} with its parent as a real path: the name a delete or move acts on (a symbolic
   * link itself, not its target), in the form the table keeps open files' paths in.
   */
  static Path realParent(Path rawPath) throws IOException {
    Path abs = rawPath.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null) {
      return abs;
    }
    try {
      return parent.toRealPath().resolve(abs.getFileName().toString());
    } catch (FileSystemException e) {
      // missing, below a file, a loop of links: the delete, move or open of the name fails on its
      // own, naming its paths as the caller's file system does, not this look's parent
      return abs;
    }
  }
}
