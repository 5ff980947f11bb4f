package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.NotAnEncryptedFileException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A regular file whose size cannot be read (README, "Known limits"): the empty raw file a crash
 * leaves when it interrupts a creating open, and a plain file copied into the root. Its attributes
 * fail as opening it does, naming it, which the JDK's walks and tests turn into a stop or a false;
 * opening it to write fails too (but for a creating open of an empty one: {@code
 * InterruptedCreationTest}); a cleanup with {@code walkFileTree} gets past it, and it is deleted by
 * name.
 */
class UnreadableSizeTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"interrupted-creation", "plain-copied-in"})
  void attributesFailNamingTheFileAndACleanupGetsPastIt(String kind) throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(Files.createDirectories(fs.getPath("/logs")).resolve("ok.log"), "fine");
      byte[] raw = kind.equals("plain-copied-in") ? "plain text".getBytes() : new byte[0];
      Files.write(dir.resolve("logs/bad.log"), raw);
      Path bad = fs.getPath("/logs/bad.log");
      Class<? extends DamagedFileException> expected =
          kind.equals("plain-copied-in")
              ? NotAnEncryptedFileException.class
              : DamagedFileException.class;

      assertEquals("/logs/bad.log", assertThrows(expected, () -> Files.size(bad)).path());
      assertThrows(expected, () -> Files.getLastModifiedTime(bad));
      assertFalse(Files.isRegularFile(bad));
      assertFalse(Files.exists(bad, LinkOption.NOFOLLOW_LINKS));
      assertTrue(Files.exists(bad));
      assertInstanceOf(FileTime.class, Files.getAttribute(bad, "lastModifiedTime"));
      assertThrows(expected, () -> Files.writeString(bad, "replaced", StandardOpenOption.WRITE));
      assertEquals(raw.length, Files.size(dir.resolve("logs/bad.log")), "left as it was");
      UncheckedIOException walk;
      try (Stream<Path> paths = Files.walk(fs.getPath("/"))) {
        walk = assertThrows(UncheckedIOException.class, () -> paths.forEach(p -> {}));
      }
      assertEquals("/logs/bad.log", assertInstanceOf(expected, walk.getCause()).path());

      List<String> visited = new ArrayList<>();
      Files.walkFileTree(
          fs.getPath("/"),
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              visited.add(file + " " + attrs.size());
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              assertInstanceOf(expected, e);
              visited.add(file + " deleted");
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }
          });
      visited.sort(null);
      assertEquals(List.of("/logs/bad.log deleted", "/logs/ok.log 4"), visited);
      assertFalse(Files.exists(dir.resolve("logs/bad.log")));

      Files.write(dir.resolve("logs/bad.log"), raw);
      Files.move(fs.getPath("/logs/ok.log"), bad, StandardCopyOption.REPLACE_EXISTING);
      assertEquals("fine", Files.readString(bad), "a move replaces it");
    }
  }
}
