package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deleting or moving a file while channels have it open, and opening one file by two names,
 * differentially: each scenario runs on a plain directory of the default file system and on an
 * encrypted root, and must tell the same story. Open files were once found by path alone, so a file
 * created where an open one had been deleted or moved from joined the old file (log rotation wrote
 * into the rotated file), and a file opened by a second name (its new name after a move, or a
 * symbolic link to it) got a second, independent state whose tail records collided with the first
 * one's: the file no longer opened.
 */
class OpenFileRenameTest {
  @TempDir Path tmp;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  /** One scenario: steps on a root, and the story it tells (reads, sizes, outcomes). */
  private interface Scenario {
    void run(Path root, List<String> story) throws IOException;
  }

  private List<String> plain(Scenario s) throws IOException {
    Path root = Files.createDirectories(tmp.resolve("plain"));
    List<String> story = new ArrayList<>();
    s.run(root, story);
    return story;
  }

  private List<String> encrypted(Scenario s, String algorithm, Path dir) throws IOException {
    List<String> story = new ArrayList<>();
    try (FileSystem fs = TestRoots.open(Files.createDirectories(dir), keys, algorithm, 4096)) {
      s.run(fs.getPath("/"), story);
    }
    // and after the file system closed and reopened
    try (FileSystem fs = TestRoots.open(dir, keys, algorithm, 4096)) {
      story.addAll(files(fs.getPath("/")));
    }
    return story;
  }

  /**
   * The plain story, then the encrypted one over the default file system, over Jimfs, and over a
   * file system without file keys (where open files are told apart by their real paths; the fault
   * file system that provides it has no symbolic links, so {@code links} skips it).
   */
  private void check(Scenario s, String algorithm) throws IOException {
    check(s, algorithm, false);
  }

  private void check(Scenario s, String algorithm, boolean links) throws IOException {
    List<String> expected = plain(s);
    expected.addAll(files(tmp.resolve("plain")));
    assertEquals(
        expected, encrypted(s, algorithm, tmp.resolve("enc")), "on the default file system");
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      assertEquals(expected, encrypted(s, algorithm, jimfs.getPath("/enc")), "on Jimfs");
      if (links) {
        return;
      }
      FaultInjectingFileSystem keyless =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/keyless")));
      keyless.hideFileKeys();
      assertEquals(
          expected, encrypted(s, algorithm, keyless.root().resolve("enc")), "without file keys");
    }
  }

  /** Every regular file under {@code root} with its content, by relative name. */
  private static List<String> files(Path root) throws IOException {
    List<String> found = new ArrayList<>();
    found.add("afterwards:");
    try (var all = Files.walk(root)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        found.add(root.relativize(p).toString().replace('\\', '/') + "=" + summary(read(p)));
      }
    }
    found.subList(1, found.size()).sort(null);
    return found;
  }

  private static void write(FileChannel ch, String s) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(s.getBytes(US_ASCII));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void write(FileChannel ch, String s, long position) throws IOException {
    ch.write(ByteBuffer.wrap(s.getBytes(US_ASCII)), position);
  }

  private static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), US_ASCII);
  }

  /** Short content as it is, long content as its length, start and hash. */
  private static String summary(String content) {
    return content.length() <= 60
        ? content
        : content.length() + ":" + content.substring(0, 20) + ":" + content.hashCode();
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) ch.size());
    ch.read(b, 0);
    return new String(b.array(), 0, b.position(), US_ASCII);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void logRotationWhileTheLoggerWrites(String algorithm) throws IOException {
    check(
        (root, story) -> {
          Path log = root.resolve("app.log");
          try (FileChannel logger = FileChannel.open(log, CREATE, WRITE, APPEND)) {
            write(logger, "first line\n");
            Files.move(log, root.resolve("app.log.1"));
            write(logger, "late line\n"); // the logger has not noticed yet
            try (FileChannel fresh = FileChannel.open(log, CREATE, WRITE, APPEND)) {
              story.add("fresh size " + fresh.size());
              write(fresh, "new log\n");
            }
            story.add("rotated " + read(root.resolve("app.log.1")));
            story.add("current " + read(log));
          }
        },
        algorithm);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void aMovedFileOpenedAtItsNewNameIsTheSameFile(String algorithm) throws IOException {
    check(
        (root, story) -> {
          try (FileChannel a = FileChannel.open(root.resolve("a"), CREATE_NEW, READ, WRITE)) {
            write(a, "hello ".repeat(1000));
            Files.move(root.resolve("a"), root.resolve("b"));
            story.add("a exists " + Files.exists(root.resolve("a")));
            try (FileChannel b = FileChannel.open(root.resolve("b"), WRITE, APPEND)) {
              write(b, "world");
              write(a, "AAAAA", 6);
              story.add("sizes " + a.size() + " " + b.size() + " " + Files.size(root.resolve("b")));
            }
            story.add("through a " + summary(read(a)));
          }
        },
        algorithm);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void aFileCreatedWhereAnOpenOneWasDeletedIsNew(String algorithm) throws IOException {
    check(
        (root, story) -> {
          Path p = root.resolve("data");
          try (FileChannel old = FileChannel.open(p, CREATE_NEW, READ, WRITE)) {
            write(old, "old content");
            Files.delete(p);
            story.add("exists " + Files.exists(p));
            try {
              Files.size(p);
              story.add("size of a deleted name");
            } catch (NoSuchFileException e) {
              story.add("no such file");
            }
            try (FileChannel fresh = FileChannel.open(p, CREATE_NEW, READ, WRITE)) {
              story.add("fresh size " + fresh.size());
              write(fresh, "new");
            }
            write(old, " still writable");
            story.add("old " + read(old));
            story.add("name " + read(p));
          }
        },
        algorithm);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void movesOfDirectoriesAndOntoOpenFiles(String algorithm) throws IOException {
    check(
        (root, story) -> {
          Path dir = Files.createDirectory(root.resolve("dir"));
          try (FileChannel inside = FileChannel.open(dir.resolve("f"), CREATE_NEW, READ, WRITE);
              FileChannel target = FileChannel.open(root.resolve("t"), CREATE_NEW, READ, WRITE)) {
            write(inside, "inside");
            write(target, "target");
            Files.move(dir, root.resolve("moved"));
            try (FileChannel again =
                FileChannel.open(root.resolve("moved").resolve("f"), WRITE, APPEND)) {
              write(again, "+more");
            }
            story.add("inside " + read(inside));
            Files.move(
                root.resolve("moved").resolve("f"),
                root.resolve("t"),
                StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel t = FileChannel.open(root.resolve("t"), WRITE, APPEND)) {
              write(t, "!");
            }
            write(target, " (replaced)");
            story.add("old target " + read(target));
            story.add("t " + read(root.resolve("t")));
          }
        },
        algorithm);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void aFileOpenedThroughASymbolicLinkIsTheSameFile(String algorithm) throws IOException {
    check(
        (root, story) -> {
          Path dir = Files.createDirectory(root.resolve("real"));
          Files.createSymbolicLink(root.resolve("alias"), root.relativize(dir));
          try (FileChannel direct = FileChannel.open(dir.resolve("f"), CREATE_NEW, READ, WRITE)) {
            write(direct, "0123456789".repeat(500));
            Files.createSymbolicLink(root.resolve("link"), root.relativize(dir.resolve("f")));
            try (FileChannel viaLink = FileChannel.open(root.resolve("link"), WRITE, APPEND);
                FileChannel viaDir =
                    FileChannel.open(root.resolve("alias").resolve("f"), READ, WRITE)) {
              write(viaLink, "tail");
              write(viaDir, "XY", 4998);
              write(direct, "Z", 0);
              story.add("sizes " + direct.size() + " " + viaLink.size() + " " + viaDir.size());
              story.add("size by link " + Files.size(root.resolve("link")));
            }
            story.add("direct " + summary(read(direct)));
            Files.delete(root.resolve("link"));
            story.add("after deleting the link " + summary(read(direct)));
          }
        },
        algorithm,
        true);
  }

  /** Exceptions (and audit events) about a file moved while open name it where it now is. */
  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void aFileMovedWhileOpenIsReportedByItsNewName(String algorithm) throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = Files.createDirectories(jimfs.getPath("/enc"));
      try (FileSystem fs = TestRoots.open(dir, keys, algorithm, 4096);
          FileChannel ch = FileChannel.open(fs.getPath("/a"), CREATE_NEW, READ, WRITE)) {
        write(ch, "x".repeat(3 * 4096));
        Files.createDirectory(fs.getPath("/logs"));
        Files.move(fs.getPath("/a"), fs.getPath("/logs/a.1"));
        Files.move(fs.getPath("/logs"), fs.getPath("/old"));
        // Damage home block 1 of the raw file, now at old/a.1.
        Path raw = dir.resolve("old").resolve("a.1");
        long at = Files.size(raw) - 2 * (4096 + 40) + 100;
        try (FileChannel r = FileChannel.open(raw, READ, WRITE)) {
          ByteBuffer one = ByteBuffer.allocate(1);
          r.read(one, at);
          one.put(0, (byte) (one.get(0) ^ 1));
          r.write(one.rewind(), at);
        }
        DamagedFileException e =
            assertThrows(DamagedFileException.class, () -> ch.read(ByteBuffer.allocate(10), 4096));
        assertEquals("/old/a.1", e.path());
        assertEquals(1, e.block());
      }
    }
  }
}
