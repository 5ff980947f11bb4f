package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;

/**
 * Differential tests of one file: the same steps on a file of the default file system and on a file
 * of an encrypted root over the real disk, each step reporting what it saw as a line.
 */
final class PlainAndEncryptedFile {
  /** Steps on {@code file}, which does not exist yet. */
  interface Steps {
    List<String> run(Path file) throws IOException;
  }

  private PlainAndEncryptedFile() {}

  /** Runs the steps on a file in {@code tmp}, then in a root there, and requires the same lines. */
  static void assertSame(Path tmp, Steps steps) throws IOException {
    List<String> plain = steps.run(tmp.resolve("plain.bin"));
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      assertEquals(String.join("\n", plain), String.join("\n", steps.run(fs.getPath("/f"))));
    }
  }
}
