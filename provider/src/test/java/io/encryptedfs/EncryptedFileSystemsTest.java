package io.encryptedfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public helpers: a root's URI names that root, whatever its directory is called. */
class EncryptedFileSystemsTest {
  @TempDir Path tmp;

  /**
   * "!/" ends the directory in an {@code encrypted:} URI, and the default file system's {@code
   * toUri} gives an existing directory a trailing '/': so {@code uriOf} of {@code /data/y!} was
   * {@code encrypted:file:///data/y!/}, which named the directory {@code /data/y}, and opening a
   * file system on it with {@code create} silently made and used a root there. Real disk: the
   * trailing '/' is the default provider's.
   */
  @Test
  void uriOfADirectoryEndingInAnExclamationMarkOpensThatDirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("y!"));
    InMemoryKeys keys = new InMemoryKeys("master");
    URI uri = EncryptedFileSystems.uriOf(dir);
    try (FileSystem fs = FileSystems.newFileSystem(uri, TestRoots.env(keys, "AES-256-GCM", 4096))) {
      Files.writeString(fs.getPath("/f"), "in y!");
      assertEquals(uri, EncryptedFileSystems.uriOf(dir), "the same URI once it is a root");
      Path f = fs.getPath("/f");
      assertSame(fs, Paths.get(f.toUri()).getFileSystem(), f.toUri().toString());
    }
    assertFalse(Files.exists(tmp.resolve("y")), "no root made at the name before the '!'");
    assertTrue(Files.exists(dir.resolve(".encryptedfs")), "the root is the directory named");
  }

  /**
   * A null argument is named at once: it failed inside the JDK ("Cannot invoke ... because
   * "directory" is null") or, for {@code newFileSystem}, in the provider's root recognition.
   */
  @Test
  void nullArgumentsAreNamedAtOnce() {
    assertEquals(
        "fs",
        assertThrows(NullPointerException.class, () -> EncryptedFileSystems.info(null))
            .getMessage());
    assertEquals(
        "directory",
        assertThrows(NullPointerException.class, () -> EncryptedFileSystems.uriOf(null))
            .getMessage());
    assertEquals(
        "directory",
        assertThrows(
                NullPointerException.class,
                () -> EncryptedFileSystems.newFileSystem(null, Map.of()))
            .getMessage());
    assertEquals(
        "name",
        assertThrows(NullPointerException.class, () -> Algorithm.fromName(null)).getMessage());
  }
}
