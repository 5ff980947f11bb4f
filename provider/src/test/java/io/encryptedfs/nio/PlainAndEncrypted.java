package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Differential tests: the same steps in a directory of the default file system and in one of an
 * encrypted root over the real disk, each step reporting what it saw as a line.
 */
final class PlainAndEncrypted {
  interface Steps {
    List<String> run(Path dir) throws IOException;
  }

  /** What the steps saw: on the default file system, then on the encrypted root. */
  record Seen(List<String> plain, List<String> encrypted) {}

  private PlainAndEncrypted() {}

  static Seen run(Path tmp, Steps steps) throws IOException {
    List<String> plain = steps.run(Files.createDirectory(tmp.resolve("plain")));
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      return new Seen(plain, steps.run(Files.createDirectory(fs.getPath("/d"))));
    }
  }

  /** Runs the steps on both and requires the same lines; returns the encrypted root's. */
  static List<String> assertSame(Path tmp, Steps steps) throws IOException {
    Seen seen = run(tmp, steps);
    assertEquals(String.join("\n", seen.plain()), String.join("\n", seen.encrypted()));
    return seen.encrypted();
  }
}
