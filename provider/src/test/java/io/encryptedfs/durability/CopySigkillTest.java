package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code Files.copy} of a large file SIGKILLed mid-copy, with a real process and the real disk: a
 * child JVM copies a 32 MiB file ({@link CopyChild}), within one root or to another, and the parent
 * kills it once a new underlying file in the target root holds 1 MiB, long before the copy can end.
 * The target's name then holds what it held before (nothing, or the file replaced), never a shorter
 * file that opens as a valid one; the source is whole, and the target root lists nothing new.
 */
class CopySigkillTest {
  private static final int SIZE = 32 << 20;
  private static final long SEED = 44;

  @ParameterizedTest(name = "across roots: {0}, replacing: {1}")
  @CsvSource({"false, false", "true, true"})
  void aCopyKilledMidwayLeavesTheTargetNameAsItWas(
      boolean acrossRoots, boolean replacing, @TempDir Path dir) throws Exception {
    Path rootA = dir.resolve("a");
    Path rootB = acrossRoots ? dir.resolve("b") : rootA;
    byte[] source = FaultRoots.content(SEED, SIZE);
    byte[] before = FaultRoots.content(SEED + 1, 5000);
    try (FileSystem a = EncryptedFileSystems.newFileSystem(rootA, WalAppender.env(SEED));
        FileSystem b =
            acrossRoots ? EncryptedFileSystems.newFileSystem(rootB, WalAppender.env(SEED)) : a) {
      Files.write(a.getPath("/big"), source);
      Files.createDirectory(b.getPath("/d"));
      if (replacing) {
        Files.write(b.getPath("/d/big"), before);
      }
    }
    Set<Path> large = largeFiles(rootB); // the source, within one root

    ChildLines child =
        ChildLines.start(
            CopyChild.class,
            rootA.toString(),
            rootB.toString(),
            Long.toString(SEED),
            replacing ? "replace" : "keep");
    List<String> said;
    try {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (largeFiles(rootB).equals(large)) {
        assertTrue(child.isAlive() && System.nanoTime() < deadline, "the copy never got under way");
        Thread.sleep(1);
      }
    } finally {
      said = child.kill();
    }
    assertFalse(said.contains("copied."), "killed too late: the copy was done");

    try (FileSystem a = EncryptedFileSystems.newFileSystem(rootA, WalAppender.env(SEED));
        FileSystem b =
            acrossRoots ? EncryptedFileSystems.newFileSystem(rootB, WalAppender.env(SEED)) : a) {
      assertArrayEquals(source, Files.readAllBytes(a.getPath("/big")), "the source");
      if (replacing) {
        assertArrayEquals(before, Files.readAllBytes(b.getPath("/d/big")), "the file replaced");
      } else {
        assertFalse(Files.exists(b.getPath("/d/big")), "a partial copy at the target's name");
      }
      assertEquals(acrossRoots ? List.of("/d") : List.of("/big", "/d"), list(b.getPath("/")));
      assertEquals(replacing ? List.of("/d/big") : List.of(), list(b.getPath("/d")));
    }
  }

  /**
   * The underlying files in the root that hold 1 MiB or more: a file the copy replaces at its name
   * holds less.
   */
  private static Set<Path> largeFiles(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> Files.isRegularFile(p) && size(p) >= 1 << 20)
          .collect(Collectors.toSet());
    }
  }

  /** A file's size, 0 once it is gone: the copy may be renamed or removed while it is looked at. */
  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException gone) {
      return 0;
    }
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(Path::toString).sorted().toList();
    }
  }
}
