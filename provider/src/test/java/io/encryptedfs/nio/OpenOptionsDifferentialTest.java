package io.encryptedfs.nio;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.DSYNC;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.SYNC;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening links with {@code NOFOLLOW_LINKS} or {@code DELETE_ON_CLOSE}, and directories with
 * options the JDK ignores without {@code WRITE}, beside the default file system: the outcome (or
 * exception type) of each open, and the link's target afterwards, which a followed {@code
 * TRUNCATE_EXISTING} would empty.
 */
class OpenOptionsDifferentialTest {
  private static final String ELOOP =
      "Too many levels of symbolic links (NOFOLLOW_LINKS specified)";
  private static final List<Set<OpenOption>> LINK_OPENS =
      List.of(
          Set.of(READ, NOFOLLOW_LINKS),
          Set.of(READ, WRITE, TRUNCATE_EXISTING, NOFOLLOW_LINKS),
          Set.of(WRITE, CREATE, NOFOLLOW_LINKS),
          Set.of(WRITE, CREATE_NEW, NOFOLLOW_LINKS),
          // The JDK opens with O_NOFOLLOW for DELETE_ON_CLOSE: a temporary file's name that
          // someone made a link must not lead the close's delete, or a truncation, elsewhere.
          Set.of(READ, WRITE, TRUNCATE_EXISTING, DELETE_ON_CLOSE),
          Set.of(READ, DELETE_ON_CLOSE),
          Set.of(WRITE, CREATE, DELETE_ON_CLOSE),
          Set.of(READ));
  private static final List<Set<OpenOption>> DIRECTORY_OPENS =
      List.of(
          Set.of(READ),
          Set.of(READ, TRUNCATE_EXISTING),
          Set.of(READ, SYNC),
          Set.of(READ, DSYNC),
          Set.of(READ, CREATE),
          Set.of(READ, NOFOLLOW_LINKS),
          Set.of(READ, WRITE));

  private static List<String> run(Path dir) throws IOException {
    List<String> seen = new ArrayList<>();
    Path target = Files.writeString(dir.resolve("target"), "keep me");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target.getFileName());
    Path dangling =
        Files.createSymbolicLink(dir.resolve("dangling"), dir.getFileSystem().getPath("gone"));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    for (Set<OpenOption> options : LINK_OPENS) {
      seen.add("link " + options + ": " + open(link, options));
      seen.add("target: " + Files.readString(target));
      seen.add("link exists: " + Files.exists(link, NOFOLLOW_LINKS));
      seen.add("dangling " + options + ": " + open(dangling, options));
      seen.add("gone exists: " + Files.exists(dir.resolve("gone"), NOFOLLOW_LINKS));
    }
    for (Set<OpenOption> options : DIRECTORY_OPENS) {
      seen.add("directory " + options + ": " + open(sub, options));
    }
    return seen;
  }

  private static String open(Path path, Set<OpenOption> options) {
    try (FileChannel ch = FileChannel.open(path, options)) {
      return "opened";
    } catch (IOException | RuntimeException e) {
      // The JDK reports ELOOP as a bare IOException; ours is a FileSystemException naming the
      // path, with the JDK's words: the same to a caller catching IOException.
      if (e instanceof IOException && e.getMessage().endsWith(ELOOP)) {
        return "IOException: ELOOP";
      }
      return e.getClass().getSimpleName();
    }
  }

  @Test
  void linksAndDirectoriesOpenAsOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    PlainAndEncrypted.assertSame(tmp, OpenOptionsDifferentialTest::run);
  }
}
