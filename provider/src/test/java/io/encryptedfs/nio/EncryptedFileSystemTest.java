package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a file system says of itself. */
class EncryptedFileSystemTest {
  @TempDir Path tmp;

  /**
   * The first "!/" ends the root's directory in an {@code encrypted:} URI, so a raw '!' in the
   * directory's name made the printed form name another directory ({@code /x/y} for {@code /x/y!}).
   * Real disk: the trailing '/' that put "!/" there is the default provider's.
   */
  @Test
  void toStringIsTheRootsUriWhichNamesThisRoot() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("y!"));
    try (FileSystem fs = TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      assertEquals(EncryptedFileSystems.uriOf(dir.toRealPath()).toString(), fs.toString());
      assertSame(fs, FileSystems.getFileSystem(URI.create(fs.toString())), fs.toString());
    }
  }
}
