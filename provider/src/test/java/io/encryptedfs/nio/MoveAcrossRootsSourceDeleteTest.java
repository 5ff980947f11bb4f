package io.encryptedfs.nio;

import static io.encryptedfs.nio.CopyDifferentialTest.describe;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.SourceNotDeletedException;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A move to another root whose copy is at the target's name when the source's delete fails (an I/O
 * error, a permission change). The source stays. Replacing, so does the copy: what it replaced is
 * gone, and removing it would leave the name empty. Not replacing, the copy is removed and the name
 * is free again, as it was. The source's root is over the fault file system, whose deletes can fail
 * (the tests run as root, whom a read-only directory does not stop); the target's is on the real
 * disk, where links can be made.
 */
class MoveAcrossRootsSourceDeleteTest {
  private final InMemoryKeys keys = new InMemoryKeys("master");

  enum Kind {
    FILE,
    DIRECTORY,
    LINK
  }

  @ParameterizedTest(name = "{0}, replacing: {1}")
  @CsvSource({
    "FILE, false",
    "FILE, true",
    "DIRECTORY, false",
    "DIRECTORY, true",
    "LINK, false",
    "LINK, true"
  })
  void aFailedDeleteOfTheSourceKeepsItAndNeverEmptiesAReplacedName(
      Kind kind, boolean replacing, @TempDir Path tmp) throws IOException {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(tmp);
    try (FileSystem a = TestRoots.open(faults.root().resolve("a"), keys, "AES-256-GCM", 4096);
        FileSystem b = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", 4096)) {
      Path src = a.getPath("/src");
      switch (kind) {
        case FILE -> Files.writeString(src, "moved");
        case DIRECTORY -> Files.createDirectory(src);
        case LINK -> {
          // made on the disk: the fault file system makes no links
          Files.createSymbolicLink(tmp.resolve("a/src"), Path.of("f"));
        }
      }
      String source = describe(src);
      Path dst = b.getPath("/dst");
      if (replacing) {
        Files.writeString(dst, "old");
      }
      faults.failDeletes(p -> p.endsWith("a/src"));

      FileSystemException e =
          assertThrows(
              FileSystemException.class,
              () -> {
                if (replacing) {
                  Files.move(src, dst, REPLACE_EXISTING);
                } else {
                  Files.move(src, dst);
                }
              });

      faults.failDeletes(p -> false);
      assertEquals(source, describe(src), "the source");
      assertEquals(replacing ? source : "absent", describe(dst), "the target");
      assertEquals(List.of(), leftovers(tmp.resolve("b")));
      if (replacing) {
        SourceNotDeletedException kept = assertInstanceOf(SourceNotDeletedException.class, e);
        assertEquals("/src", kept.getFile());
        assertEquals("/dst", kept.getOtherFile());
        assertEquals(
            "/src -> /dst: the copy replaced the target, but deleting the source failed"
                + " (/src: Input/output error): both now hold it",
            kept.getMessage());
        assertEquals("/src", assertInstanceOf(FileSystemException.class, e.getCause()).getFile());
      } else {
        assertEquals(FileSystemException.class, e.getClass(), "the delete's own failure");
        assertEquals("/src: Input/output error", e.getMessage());
      }
    }
  }

  /** The temporary files of moves in the underlying directory of a root. */
  private static List<Path> leftovers(Path rawRoot) throws IOException {
    try (Stream<Path> entries = Files.list(rawRoot)) {
      return entries.filter(p -> p.getFileName().toString().startsWith(StagedCopy.PREFIX)).toList();
    }
  }
}
