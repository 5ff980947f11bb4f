package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting the root directory is refused as such, with or without entries in it. Before, an empty
 * root was refused with {@code DirectoryNotEmptyException} (its marker is there, unlisted), which a
 * caller who had just listed it empty could make nothing of.
 */
class RootDeleteTest {
  private static void assertRefused(Path root) {
    FileSystemException e = assertThrows(FileSystemException.class, () -> Files.delete(root));
    assertSame(FileSystemException.class, e.getClass(), root.toString());
    assertEquals(root + ": the root directory cannot be deleted", e.getMessage());
  }

  @Test
  void deletingTheRootIsRefusedAndChangesNothing(@TempDir Path tmp) throws IOException {
    Path root = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(root, keys, "AES-256-GCM", 4096)) {
      for (String path : new String[] {"/", "/."}) {
        assertRefused(fs.getPath(path)); // empty
      }
      Files.createDirectory(fs.getPath("/d"));
      Files.writeString(fs.getPath("/f"), "kept");
      for (String path : new String[] {"/", "/d/.."}) {
        assertRefused(fs.getPath(path));
      }
    }
    try (FileSystem fs = TestRoots.open(root, keys, "AES-256-GCM", 4096);
        Stream<Path> listed = Files.list(fs.getPath("/"))) {
      assertEquals(
          List.of("d", "f"), listed.map(p -> p.getFileName().toString()).sorted().toList());
      assertEquals("kept", Files.readString(fs.getPath("/f")));
    }
  }
}
