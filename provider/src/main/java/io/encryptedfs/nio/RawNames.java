package io.encryptedfs.nio;

import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Names crossing between encrypted paths, which are strings, and the underlying file system, whose
 * names may be bytes. On Linux a name is any byte string and the JDK decodes it with the JVM's file
 * name encoding ({@code sun.jnu.encoding}, from the locale), turning bytes it cannot decode into
 * U+FFFD. Such a string names another file, or none: an encrypted path made from it would read,
 * overwrite or delete the wrong file. So a name that does not come back to the same entry is
 * refused wherever it would cross.
 */
final class RawNames {
  private RawNames() {}

  /**
   * The last name of {@code raw}, a path the underlying file system gave (a directory's entry, a
   * real path, a link's target), as a name of this file system.
   *
   * @param subject the encrypted path the caller asked about, which the exception names
   * @throws FileSystemException naming {@code subject} and the name's bytes, if no name of this
   *     file system reaches what that name reaches
   */
  static String name(Path raw, String subject) throws FileSystemException {
    if (!reaches(raw)) {
      throw new FileSystemException(
          subject,
          null,
          "the underlying file system has a name, "
              + bytes(raw)
              + " (percent-encoded), that no name of this file system reaches: "
              + encodingNote(raw.getFileSystem())
              + "; rename it on the underlying file system");
    }
    return raw.getFileName().toString();
  }

  /** True if the string of {@code raw}'s last name, made into a path again, is that name. */
  static boolean reaches(Path raw) {
    Path rawName = raw.getFileName();
    String name = rawName.toString();
    if (isAscii(name)) {
      // Decoders turn bytes they cannot read into U+FFFD, never into ASCII: nothing was lost.
      return true;
    }
    try {
      return EncryptedPath.loneSurrogate(name) < 0
          && rawName.getFileSystem().getPath(name).equals(rawName);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * Refuses a name of {@code input} that the underlying file system cannot store, as the default
   * file system refuses it when the path is made, rather than at the first I/O call.
   */
  static void requireStorable(FileSystem underlying, String input, String name) {
    if (isAscii(name)) {
      return;
    }
    try {
      underlying.getPath(name);
    } catch (InvalidPathException e) {
      throw new InvalidPathException(
          input,
          "the name "
              + name
              + " cannot be stored on the underlying file system: "
              + encodingNote(underlying));
    }
  }

  private static String encodingNote(FileSystem underlying) {
    if (underlying == FileSystems.getDefault()) {
      return "not valid in the JVM's file name encoding (sun.jnu.encoding="
          + System.getProperty("sun.jnu.encoding")
          + ", set by the locale: LANG, LC_ALL)";
    }
    return "not a valid name there";
  }

  /** The last name of {@code rawEntry} as its file system's URI spells it: bytes as %XX. */
  private static String bytes(Path rawEntry) {
    try {
      String path = rawEntry.toUri().getRawPath();
      if (path != null) {
        if (path.endsWith("/")) {
          path = path.substring(0, path.length() - 1);
        }
        return path.substring(path.lastIndexOf('/') + 1);
      }
    } catch (RuntimeException | java.io.IOError e) {
      // No URI to show the bytes: the decoded name says less, but still names it.
    }
    return rawEntry.getFileName().toString();
  }

  private static boolean isAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
