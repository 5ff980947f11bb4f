package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root's internal file stays out of reach through a symbolic link to the root's directory, as
 * it is by its own name: not listed, not read, not written, not deleted or replaced. Every call
 * goes as on a missing file whose directory is missing too, and those that would create it are
 * refused as they are for a reserved name there ({@link ReservedNamesTest}).
 */
class InternalFilesTest {
  /**
   * The JDK's Linux view returns at once from {@code setTimes} given no modification or access
   * time, before it looks at the file, so that succeeds on a missing file; on the marker it fails
   * as every other call does.
   */
  private static final String UNLOOKED = ".*(creationTime|setTimes none).*";

  @Test
  void everyCallOnTheMarkerGoesAsOnAMissingFile(@TempDir Path tmp) throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Path existing = Files.writeString(fs.getPath("/existing"), "keep");
      Files.createSymbolicLink(fs.getPath("/self"), fs.getPath("."));
      Path elsewhere = Files.createDirectory(fs.getPath("/d")).resolve("e");
      String missing =
          String.join(
              "\n",
              FilesSweep.of(
                      fs.getPath("/no-dir/" + EncryptedFileSystem.MARKER), existing, elsewhere)
                  .stream()
                  .map(
                      l ->
                          l.matches(UNLOOKED)
                              ? l.replaceAll(
                                  ": .*",
                                  ": NoSuchFileException file=<probe> other=null reason=null")
                              : l)
                  .toList());
      for (String marker :
          new String[] {
            "/" + EncryptedFileSystem.MARKER,
            EncryptedFileSystem.MARKER,
            "/self/" + EncryptedFileSystem.MARKER,
            "/self/self/./" + EncryptedFileSystem.MARKER
          }) {
        Path p = fs.getPath(marker);
        assertEquals(missing, String.join("\n", FilesSweep.of(p, existing, elsewhere)), marker);
        // createDirectories names the directory it made absolute, as the JDK's does
        Path absolute = p.toAbsolutePath();
        ReservedNamesTest.assertRefused(absolute, () -> Files.createDirectories(p));
        ReservedNamesTest.assertRefused(absolute, () -> Files.createDirectories(p.resolve("x")));
      }
    }
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertEquals("keep", Files.readString(fs.getPath("/existing")));
    }
  }

  @Test
  void aLinkToTheRootDoesNotReachTheMarker(@TempDir Path tmp) throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/visible.txt"), "x");
      Path self = Files.createSymbolicLink(fs.getPath("/self"), fs.getPath("."));
      Path marker = self.resolve(EncryptedFileSystem.MARKER);
      try (Stream<Path> listed = Files.list(self)) {
        assertEquals(
            List.of("/self/self", "/self/visible.txt"),
            listed.map(Path::toString).sorted().toList());
      }
      assertFalse(Files.exists(marker));
      assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(marker));
      assertThrows(NoSuchFileException.class, () -> Files.delete(marker));
      ReservedNamesTest.assertRefused(marker, () -> Files.writeString(marker, "gone"));
      ReservedNamesTest.assertRefused(marker, () -> Files.move(fs.getPath("/visible.txt"), marker));
      assertThrows(
          NoSuchFileException.class,
          () -> Files.readAllBytes(self.resolve(EncryptedFileSystem.MARKER + "-other")));
      // A name starting with the marker's below a real directory, made before such names were
      // refused, is an ordinary file.
      Files.writeString(fs.getPath("/d-made"), "mine");
      Files.createDirectory(fs.getPath("/d"));
      Files.move(dir.resolve("d-made"), dir.resolve("d").resolve(EncryptedFileSystem.MARKER));
      assertEquals("mine", Files.readString(fs.getPath("/d/" + EncryptedFileSystem.MARKER)));
    }
    // The root still opens: its marker is intact.
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertEquals("x", Files.readString(fs.getPath("/visible.txt")));
    }
  }
}
