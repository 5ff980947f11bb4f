package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names on the underlying disk that the JVM cannot decode: Linux names are bytes, and the JDK turns
 * bytes its file name encoding cannot read into U+FFFD. Made with {@code sh}, since Java cannot
 * make such a name. On the real disk: Jimfs names are strings.
 */
class RawNameEncodingTest {
  private static final String REPLACED = "a\uFFFD";

  @TempDir Path dir;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void anUndecodableNameFailsTheListingInsteadOfNamingAnotherFile() throws Exception {
    try (FileSystem fs = open()) {
      Files.writeString(fs.getPath("/" + REPLACED), "the file really named a\uFFFD");
      Files.writeString(fs.getPath("/b"), "b");
    }
    sh("printf foreign > \"$(printf 'a\\377')\"");
    try (FileSystem fs = open()) {
      UncheckedIOException listed =
          assertThrows(UncheckedIOException.class, () -> list(fs.getPath("/")));
      assertUnreachableName(listed.getCause(), "/", "a%FF");
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(fs.getPath("/"))) {
        DirectoryIteratorException e =
            assertThrows(DirectoryIteratorException.class, () -> drain(entries));
        assertUnreachableName(e.getCause(), "/", "a%FF");
      }
      assertEquals("the file really named a\uFFFD", Files.readString(fs.getPath("/" + REPLACED)));
    }
    assertEquals("foreign", sh("cat \"$(printf 'a\\377')\""));
  }

  @Test
  void aLinkToAnUndecodableNameIsNotFollowedToAnotherName() throws Exception {
    try (FileSystem fs = open()) {
      Files.createDirectory(fs.getPath("/" + REPLACED));
    }
    sh("mkdir \"$(printf 'a\\377')\" && ln -s \"$(printf 'a\\377')\" link");
    try (FileSystem fs = open()) {
      Path link = fs.getPath("/link");
      FileSystemException real = assertThrows(FileSystemException.class, link::toRealPath);
      assertUnreachableName(real, "/link", "a%FF");
      FileSystemException target =
          assertThrows(FileSystemException.class, () -> Files.readSymbolicLink(link));
      assertUnreachableName(target, "/link", "a%FF");
      assertEquals(
          fs.getPath("/" + REPLACED), fs.getPath("/" + REPLACED).toRealPath(), "the real one");
    }
  }

  @Test
  void aDirectoryHoldingOnlyAnUndecodableNameIsNotEmpty(@TempDir Path other) throws Exception {
    try (FileSystem fs = open()) {
      Files.createDirectory(fs.getPath("/d"));
    }
    sh("printf foreign > \"d/$(printf 'a\\377')\"");
    try (FileSystem fs = open();
        FileSystem otherRoot = TestRoots.open(other, keys, "AES-256-GCM", 4096)) {
      assertThrows(
          DirectoryNotEmptyException.class,
          () -> Files.move(fs.getPath("/d"), otherRoot.getPath("/d")));
      assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(fs.getPath("/d")));
    }
    assertEquals("foreign", sh("cat \"d/$(printf 'a\\377')\""));
  }

  @Test
  void aWatchEventForAnUndecodableNameIsAnOverflow() throws Exception {
    try (FileSystem fs = open();
        WatchService service = fs.newWatchService()) {
      fs.getPath("/").register(service, StandardWatchEventKinds.ENTRY_CREATE);
      sh("printf foreign > \"$(printf 'a\\377')\"");
      WatchKey key = service.poll(10, TimeUnit.SECONDS);
      List<WatchEvent.Kind<?>> kinds = new ArrayList<>();
      for (WatchEvent<?> e : key.pollEvents()) {
        kinds.add(e.kind());
        assertEquals(null, e.context(), "no path names that entry");
      }
      assertEquals(List.of(StandardWatchEventKinds.OVERFLOW), kinds);
    }
  }

  /**
   * A JVM started without a UTF-8 locale (a container or a service with no LANG) decodes names as
   * ASCII: every other name is then out of reach, and a path naming one is refused when made, as
   * the default file system refuses it, instead of failing at each call without a checked
   * exception.
   */
  @Test
  void withoutAUtf8LocaleOtherNamesAreRefusedWithTheReason() throws Exception {
    try (FileSystem fs = open()) {
      Files.writeString(fs.getPath("/caf\u00e9"), "x");
    }
    ProcessBuilder child =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            AsciiLocaleChild.class.getName(),
            dir.resolve("child").toString());
    child.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
    child.environment().put("LC_ALL", "C");
    child.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = child.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(out.contains("encoding=ANSI_X3.4-1968"), out);
    assertTrue(out.contains("path: InvalidPathException"), out);
    assertTrue(
        out.contains(
            "list: FileSystemException: /: the underlying file system has a name, caf%C3%A9"),
        out);
  }

  /** Runs in a JVM whose locale is C: makes a root, a raw name in UTF-8, then looks. */
  static final class AsciiLocaleChild {
    public static void main(String[] args) throws Exception {
      Path root = Path.of(args[0]);
      Files.createDirectories(root);
      InMemoryKeys keys = new InMemoryKeys("master");
      TestRoots.open(root, keys, "AES-256-GCM", 4096).close();
      new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'caf\\303\\251')\"")
          .directory(root.toFile())
          .start()
          .waitFor();
      System.out.println("encoding=" + System.getProperty("sun.jnu.encoding"));
      try (FileSystem fs = TestRoots.open(root, keys, "AES-256-GCM", 4096)) {
        try {
          fs.getPath("/caf\u00e9");
          System.out.println("path: made");
        } catch (InvalidPathException e) {
          System.out.println("path: InvalidPathException: " + e.getMessage());
        }
        try (Stream<Path> s = Files.list(fs.getPath("/"))) {
          System.out.println("list: " + s.toList());
        } catch (UncheckedIOException e) {
          System.out.println(
              "list: "
                  + e.getCause().getClass().getSimpleName()
                  + ": "
                  + e.getCause().getMessage());
        }
      }
    }
  }

  private static void assertUnreachableName(Throwable e, String file, String bytes) {
    FileSystemException fse = assertInstanceOf(FileSystemException.class, e);
    assertEquals(file, fse.getFile());
    assertTrue(
        fse.getReason().contains("a name, " + bytes + " (percent-encoded)"), fse.getReason());
  }

  private FileSystem open() throws IOException {
    return TestRoots.open(dir, keys, "AES-256-GCM", 4096);
  }

  private static List<Path> list(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }

  private static List<Path> drain(DirectoryStream<Path> entries) {
    List<Path> out = new ArrayList<>();
    entries.forEach(out::add);
    return out;
  }

  private String sh(String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes()));
    return out;
  }
}
