package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root opened through a symbolic link to its directory (a common deployment: {@code /var/lib/app}
 * linking to a data disk). Its root once looked like a link to its own walks: {@code Files.walk} of
 * {@code /} listed nothing, so key usage found no file and a master key every file still needed
 * could be retired. A second file system on the same directory through the link was also allowed,
 * and the two kept separate views of the same files.
 */
class LinkedRootTest {
  @TempDir Path tmp;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void aRootReachedThroughALinkIsADirectoryToItsOwnWalks() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("disk/app"));
    Path link = Files.createSymbolicLink(tmp.resolve("app"), real);
    try (FileSystem fs = TestRoots.open(link, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/x"), "x");
      Files.createDirectories(fs.getPath("/d"));
      Files.writeString(fs.getPath("/d/y"), "y");
      assertTrue(Files.isDirectory(fs.getPath("/"), LinkOption.NOFOLLOW_LINKS));
      try (Stream<Path> all = Files.walk(fs.getPath("/"))) {
        assertEquals(List.of("/", "/d", "/d/y", "/x"), all.map(Path::toString).sorted().toList());
      }
      assertEquals(Map.of("master", List.of("/.encryptedfs", "/d/y", "/x")), KeyRotation.usage(fs));
    }
  }

  @Test
  void aSecondFileSystemOnTheSameDirectoryIsRefusedWhicheverNameItIsOpenedBy() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("disk/app"));
    Path link = Files.createSymbolicLink(tmp.resolve("app"), real);
    try (FileSystem fs = TestRoots.open(real, keys, "AES-256-GCM", 4096)) {
      assertThrows(
          FileSystemAlreadyExistsException.class,
          () -> TestRoots.open(link, keys, "AES-256-GCM", 4096));
      URI throughLink = URI.create("encrypted:" + link.toUri() + "!/f");
      Path f = Paths.get(throughLink);
      assertEquals(fs, f.getFileSystem());
    }
  }
}
