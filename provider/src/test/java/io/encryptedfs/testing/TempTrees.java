package io.encryptedfs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Removes the directory trees that jqwik properties make themselves (no {@code @TempDir} there).
 */
public final class TempTrees {
  private TempTrees() {}

  /** Deletes {@code dir} and everything below it, deepest first; what is already gone is fine. */
  public static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
