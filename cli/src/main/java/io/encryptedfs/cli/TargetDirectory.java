package io.encryptedfs.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The directory a command writes into, checked before the command asks for the password or walks
 * the root: found when the directory was made, a file in its place was refused only after the lines
 * of output that came before (decrypt's NESTED lines), as if the work had begun.
 */
final class TargetDirectory {
  private TargetDirectory() {}

  /**
   * Refuses (a usage error, exit 2) {@code dir} where it is something else than a directory (a
   * file, a link to none), or cannot be made because a file stands where one of its parents would
   * be: a file where a directory is expected.
   *
   * @param label the parameter that names it ("PLAIN_DIR")
   */
  static void requireDirectoryOrMissing(Path dir, String label) {
    Path absolute = dir.toAbsolutePath();
    for (Path p = absolute; p != null; p = p.getParent()) {
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (Files.isDirectory(p)) {
        return;
      }
      throw new IllegalArgumentException(
          p.equals(absolute)
              ? dir + ": not a directory (" + label + ")"
              : dir
                  + ": cannot be made, as "
                  + ShownPath.of(p)
                  + " is not a directory ("
                  + label
                  + ")");
    }
  }
}
