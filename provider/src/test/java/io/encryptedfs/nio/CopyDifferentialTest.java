package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.nio.file.ExtendedCopyOption;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Files.copy} on the real disk, differentially: each scenario runs in a plain directory of
 * the default file system and in an encrypted root over another (within one root, and from one root
 * to another), and must give the same result or the same exception type naming the same path.
 * Permissions are compared on the real disk, where the umask applies.
 */
class CopyDifferentialTest {
  @TempDir Path tmp;
  private FileSystem rootA;
  private FileSystem rootB;

  @BeforeEach
  void open() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    rootA = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", 4096);
    rootB = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", 4096);
  }

  @AfterEach
  void close() throws IOException {
    try {
      rootA.close();
    } finally {
      rootB.close();
    }
  }

  /** Runs with a directory holding the source and one for the target (the same one or not). */
  interface Scenario {
    Object run(Path src, Path dst) throws Exception;
  }

  @ParameterizedTest(name = "{0}, across roots: {1}")
  @MethodSource("scenarios")
  void sameOutcomeAsTheDefaultFileSystem(String name, boolean acrossRoots, Scenario s)
      throws IOException {
    Path plainSrc = Files.createDirectories(tmp.resolve("plain/src"));
    Path plainDst = acrossRoots ? Files.createDirectories(tmp.resolve("plain/dst")) : plainSrc;
    Path encSrc = Files.createDirectories(rootA.getPath("/src"));
    Path encDst = acrossRoots ? Files.createDirectories(rootB.getPath("/dst")) : encSrc;

    assertEquals(outcome(s, plainSrc, plainDst), outcome(s, encSrc, encDst));
  }

  static Stream<Arguments> scenarios() {
    List<Arguments> all = new ArrayList<>();
    withinAndAcross(
        all,
        "a file keeps its mode",
        (s, d) -> {
          chmod(write(s.resolve("f"), "abc"), "rwx------");
          Files.copy(s.resolve("f"), d.resolve("g"));
          return describe(d.resolve("g"));
        });
    withinAndAcross(
        all,
        "COPY_ATTRIBUTES copies mode and times",
        (s, d) -> {
          chmod(write(s.resolve("f"), "abc"), "rw-------");
          Files.setLastModifiedTime(s.resolve("f"), FileTime.fromMillis(1_000_000_000_000L));
          Files.copy(s.resolve("f"), d.resolve("g"), COPY_ATTRIBUTES);
          return describe(d.resolve("g")) + " " + Files.getLastModifiedTime(d.resolve("g"));
        });
    withinAndAcross(
        all,
        "a read-only file",
        (s, d) -> {
          chmod(write(s.resolve("f"), "abc"), "r--r-----");
          Files.copy(s.resolve("f"), d.resolve("g"));
          Files.copy(s.resolve("f"), d.resolve("h"), COPY_ATTRIBUTES);
          return describe(d.resolve("g")) + " " + describe(d.resolve("h"));
        });
    withinAndAcross(
        all,
        "a directory keeps its mode",
        (s, d) -> {
          chmod(Files.createDirectory(s.resolve("e")), "rwxrwx---");
          Files.copy(s.resolve("e"), d.resolve("c"));
          Files.copy(s.resolve("e"), d.resolve("k"), COPY_ATTRIBUTES);
          return describe(d.resolve("c")) + " " + describe(d.resolve("k"));
        });
    withinAndAcross(
        all,
        "a link, not followed",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createSymbolicLink(s.resolve("l"), s.getFileSystem().getPath("f"));
          Files.copy(s.resolve("l"), d.resolve("m"), NOFOLLOW_LINKS);
          return describe(d.resolve("m"));
        });
    withinAndAcross(
        all,
        "a dangling link, not followed",
        (s, d) -> {
          Files.createSymbolicLink(s.resolve("l"), s.getFileSystem().getPath("nope"));
          Files.copy(s.resolve("l"), d.resolve("m"), NOFOLLOW_LINKS);
          return describe(d.resolve("m"));
        });
    withinAndAcross(
        all,
        "a link, followed",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createSymbolicLink(s.resolve("l"), s.getFileSystem().getPath("f"));
          Files.copy(s.resolve("l"), d.resolve("m"));
          return describe(d.resolve("m"));
        });
    withinAndAcross(
        all,
        "onto a dangling link",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createSymbolicLink(d.resolve("l"), d.getFileSystem().getPath("nope"));
          return Files.copy(s.resolve("f"), d.resolve("l"));
        });
    withinAndAcross(
        all,
        "onto a dangling link, replacing",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createSymbolicLink(d.resolve("l"), d.getFileSystem().getPath("nope"));
          Files.copy(s.resolve("f"), d.resolve("l"), REPLACE_EXISTING);
          return describe(d.resolve("l")) + " " + describe(d.resolve("nope"));
        });
    within(
        all,
        "onto a link to the source",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createSymbolicLink(s.resolve("l"), s.getFileSystem().getPath("f"));
          return Files.copy(s.resolve("f"), s.resolve("l"));
        });
    within(
        all,
        "onto a link to the source, replacing",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createSymbolicLink(s.resolve("l"), s.getFileSystem().getPath("f"));
          Files.copy(s.resolve("f"), s.resolve("l"), REPLACE_EXISTING);
          return describe(s.resolve("l")) + " " + describe(s.resolve("f"));
        });
    within(
        all,
        "onto itself",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.copy(s.resolve("f"), s.resolve("./f"));
          Files.copy(s.resolve("f"), s.resolve("f"), REPLACE_EXISTING);
          return describe(s.resolve("f"));
        });
    withinAndAcross(
        all,
        "onto an existing file",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          write(d.resolve("g"), "old");
          return Files.copy(s.resolve("f"), d.resolve("g"));
        });
    withinAndAcross(
        all,
        "onto a non-empty directory, replacing",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createDirectories(d.resolve("e/x"));
          return Files.copy(s.resolve("f"), d.resolve("e"), REPLACE_EXISTING);
        });
    withinAndAcross(all, "a missing source", (s, d) -> Files.copy(s.resolve("f"), d.resolve("g")));
    withinAndAcross(
        all,
        "into a missing directory",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          return Files.copy(s.resolve("f"), d.resolve("nope/g"));
        });
    withinAndAcross(
        all,
        "into a file as a directory",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          write(d.resolve("g"), "abc");
          return Files.copy(s.resolve("f"), d.resolve("g/h"));
        });
    withinAndAcross(
        all,
        "into a directory below a file",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          write(d.resolve("g"), "abc");
          return Files.copy(s.resolve("f"), d.resolve("g/h/i"));
        });
    withinAndAcross(
        all,
        "into a loop of links",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.createSymbolicLink(d.resolve("loop"), d.getFileSystem().getPath("loop"));
          return Files.copy(s.resolve("f"), d.resolve("loop/g"), REPLACE_EXISTING);
        });
    withinAndAcross(
        all,
        "on an interrupted thread, replacing",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          write(d.resolve("g"), "old");
          Thread.currentThread().interrupt();
          try {
            Files.copy(s.resolve("f"), d.resolve("h"));
            Files.copy(s.resolve("f"), d.resolve("g"), REPLACE_EXISTING);
          } finally {
            assertEquals(true, Thread.interrupted(), "the interrupt is kept");
          }
          return describe(d.resolve("g")) + " " + describe(d.resolve("h"));
        });
    withinAndAcross(
        all,
        "INTERRUPTIBLE is a copy option",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          Files.copy(s.resolve("f"), d.resolve("g"), ExtendedCopyOption.INTERRUPTIBLE);
          return describe(d.resolve("g"));
        });
    withinAndAcross(
        all,
        "ATOMIC_MOVE is not a copy option",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          return Files.copy(s.resolve("f"), d.resolve("g"), ATOMIC_MOVE);
        });
    withinAndAcross(
        all,
        "a null option",
        (s, d) -> {
          write(s.resolve("f"), "abc");
          return Files.copy(s.resolve("f"), d.resolve("g"), (CopyOption) null);
        });
    return all.stream();
  }

  private static void within(List<Arguments> all, String name, Scenario s) {
    all.add(Arguments.of(name, false, s));
  }

  private static void withinAndAcross(List<Arguments> all, String name, Scenario s) {
    within(all, name, s);
    all.add(Arguments.of(name, true, s));
  }

  /** The result, or the exception's type and the file it names relative to the two directories. */
  private static String outcome(Scenario s, Path src, Path dst) {
    try {
      return "returned " + s.run(src, dst);
    } catch (FileSystemException e) {
      return e.getClass().getName() + " naming " + relative(e.getFile(), src, dst);
    } catch (Exception e) {
      return e.getClass().getName();
    }
  }

  private static String relative(String file, Path src, Path dst) {
    if (file != null && file.startsWith(dst + "/")) {
      return "dst:" + file.substring(dst.toString().length() + 1);
    }
    if (file != null && file.startsWith(src + "/")) {
      return "src:" + file.substring(src.toString().length() + 1);
    }
    return String.valueOf(file);
  }

  static String describe(Path p) throws IOException {
    if (Files.isSymbolicLink(p)) {
      return "link to " + Files.readSymbolicLink(p);
    }
    if (!Files.exists(p)) {
      return "absent";
    }
    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    return Files.isDirectory(p) ? "dir " + mode : "file " + Files.readString(p) + " " + mode;
  }

  static Path write(Path p, String content) throws IOException {
    return Files.write(p, content.getBytes(UTF_8));
  }

  static Path chmod(Path p, String mode) throws IOException {
    return Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }
}
