package io.encryptedfs.nio;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A move within one root that fails names the paths the JDK names on the default file system, each
 * as the caller gave it: the target alone when the target is the trouble.
 */
class MoveErrorsDifferentialTest {
  private static List<String> run(Path dir) throws IOException {
    Files.writeString(dir.resolve("m1"), "one");
    Files.writeString(dir.resolve("m2"), "two");
    Files.createDirectories(dir.resolve("full/inside"));
    List<String> seen = new ArrayList<>();
    seen.add(failure(dir, dir.resolve("missing"), dir.resolve("x")));
    seen.add(failure(dir, dir.resolve("m1"), dir.resolve("m2")));
    seen.add(failure(dir, dir.resolve("m1"), dir.resolve("full"), REPLACE_EXISTING));
    seen.add(failure(dir, dir.resolve("m1"), dir.resolve("nodir/x")));
    seen.add(failure(dir, dir.resolve("m1"), dir.resolve("m2/x/y")));
    Files.createSymbolicLink(dir.resolve("loop"), dir.getFileSystem().getPath("loop"));
    seen.add(failure(dir, dir.resolve("m1"), dir.resolve("loop/x"), REPLACE_EXISTING));
    return seen;
  }

  private static String failure(Path dir, Path from, Path to, CopyOption... options) {
    try {
      Files.move(from, to, options);
      return "moved";
    } catch (FileSystemException e) {
      return e.getClass().getSimpleName()
          + " file="
          + name(dir, e.getFile())
          + " other="
          + name(dir, e.getOtherFile());
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    }
  }

  /** The failure's path relative to {@code dir}, so both file systems' answers compare. */
  private static String name(Path dir, String path) {
    return path == null ? null : dir.relativize(dir.getFileSystem().getPath(path)).toString();
  }

  @Test
  void failedMovesNameThePathsAsTheDefaultFileSystemDoes(@TempDir Path tmp) throws IOException {
    PlainAndEncrypted.assertSame(tmp, MoveErrorsDifferentialTest::run);
  }
}
