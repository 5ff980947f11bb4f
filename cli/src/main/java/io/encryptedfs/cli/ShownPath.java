package io.encryptedfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A path the user gave, as the tool prints it or hands it to the library, which prints it:
 * absolute, with its {@code .} and {@code ..} names taken out ({@code info ./root} printed {@code
 * /cwd/./root}). Taken out by name, a {@code ..} after a symbolic link would name another file than
 * the one the command works on ({@code link/../x} is {@code x} beside the link's target, not beside
 * the link): such a path is shown as the file it names, its links resolved.
 */
final class ShownPath {
  private ShownPath() {}

  /** {@code path} absolute and normalized; where that is another file, its real path. */
  static String of(Path path) {
    Path absolute = path.toAbsolutePath();
    Path normal = absolute.normalize();
    if (normal.equals(absolute) || sameFile(absolute, normal)) {
      return normal.toString();
    }
    try {
      return absolute.toRealPath().toString();
    } catch (IOException e) {
      return normal.toString(); // not there: a name only, which the kernel would not resolve either
    }
  }

  /**
   * {@code path} absolute and normalized where that names the same file, so that the library names
   * it so in its messages and audit events; else {@code path} as it is. Never another file than
   * {@code path} names.
   */
  static Path sameFile(Path path) {
    Path absolute = path.toAbsolutePath();
    Path normal = absolute.normalize();
    if (normal.equals(absolute)) {
      return path;
    }
    return sameFile(absolute, normal) ? normal : path;
  }

  /**
   * Whether {@code a} and {@code b} name one file: one that exists, or, for one not made yet (a
   * keystore to create), one name in one directory.
   */
  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      // Not there (yet): see whether it would be made in one directory under one name.
    }
    Path name = a.getFileName();
    if (name == null
        || !name.equals(b.getFileName())
        || name.toString().equals(".")
        || name.toString().equals("..")
        || Files.exists(a)
        || Files.exists(b)) {
      return false;
    }
    try {
      return Files.isSameFile(a.getParent(), b.getParent());
    } catch (IOException e) {
      return false;
    }
  }
}
