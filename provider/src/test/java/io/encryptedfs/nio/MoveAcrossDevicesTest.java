package io.encryptedfs.nio;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A move to another root whose target directory is on another device than the target root's own
 * directory (a disk mounted inside the root; here a link on the underlying disk to a directory in
 * {@code /dev/shm}, a tmpfs of its own): the staged copy could be neither renamed nor linked there
 * (EXDEV), so the move failed; it is copied at its name, as before moves were staged.
 */
class MoveAcrossDevicesTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");
  private Path elsewhere;

  @BeforeEach
  void otherDevice() throws IOException {
    elsewhere = Files.createTempDirectory(Path.of("/dev/shm"), "efs-move-");
  }

  @AfterEach
  void removeIt() throws IOException {
    try (Stream<Path> files = Files.list(elsewhere)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(elsewhere);
  }

  /** {@code Files.copy} there, within the root and from another, likewise. */
  @Test
  void aCopyOnAnotherDeviceIsMadeAtItsName(@TempDir Path tmp) throws IOException {
    Path rawB = tmp.resolve("b");
    try (FileSystem a = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", BLOCK);
        FileSystem b = TestRoots.open(rawB, keys, "AES-256-GCM", BLOCK)) {
      Files.createSymbolicLink(rawB.resolve("mounted"), elsewhere);
      byte[] content = new byte[3 * BLOCK + 17];
      new Random(8).nextBytes(content);
      Files.write(a.getPath("/seg"), content);
      Files.write(b.getPath("/seg"), content);
      Files.write(b.getPath("/mounted/old"), new byte[5]);

      Files.copy(a.getPath("/seg"), b.getPath("/mounted/across"));
      Files.copy(b.getPath("/seg"), b.getPath("/mounted/within"));
      Files.copy(b.getPath("/seg"), b.getPath("/mounted/old"), REPLACE_EXISTING);

      assertArrayEquals(content, Files.readAllBytes(b.getPath("/mounted/across")));
      assertArrayEquals(content, Files.readAllBytes(b.getPath("/mounted/within")));
      assertArrayEquals(content, Files.readAllBytes(b.getPath("/mounted/old")));
      assertArrayEquals(content, Files.readAllBytes(a.getPath("/seg")));
      try (Stream<Path> left = Files.list(rawB)) {
        assertEquals(
            List.of(),
            left.filter(p -> p.getFileName().toString().startsWith(StagedCopy.PREFIX)).toList());
      }
    }
  }

  @Test
  void aTargetOnAnotherDeviceIsCopiedAtItsName(@TempDir Path tmp) throws IOException {
    Path rawB = tmp.resolve("b");
    try (FileSystem a = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", BLOCK);
        FileSystem b = TestRoots.open(rawB, keys, "AES-256-GCM", BLOCK)) {
      Files.createSymbolicLink(rawB.resolve("mounted"), elsewhere);
      assertNotEquals(
          Files.getAttribute(rawB, "unix:dev"),
          Files.getAttribute(elsewhere, "unix:dev"),
          "the test needs two devices");
      byte[] content = new byte[3 * BLOCK + 17];
      new Random(7).nextBytes(content);
      Files.write(a.getPath("/seg"), content);
      Files.write(a.getPath("/seg2"), content);
      Files.write(b.getPath("/mounted/seg2"), new byte[5]);

      Files.move(a.getPath("/seg"), b.getPath("/mounted/seg"));
      Files.move(a.getPath("/seg2"), b.getPath("/mounted/seg2"), REPLACE_EXISTING);

      assertArrayEquals(content, Files.readAllBytes(b.getPath("/mounted/seg")));
      assertArrayEquals(content, Files.readAllBytes(b.getPath("/mounted/seg2")));
      assertFalse(Files.exists(a.getPath("/seg")));
      assertFalse(Files.exists(a.getPath("/seg2")));
      try (Stream<Path> left = Files.list(rawB)) {
        assertEquals(
            List.of(),
            left.filter(p -> p.getFileName().toString().startsWith(StagedCopy.PREFIX)).toList());
      }
    }
  }
}
