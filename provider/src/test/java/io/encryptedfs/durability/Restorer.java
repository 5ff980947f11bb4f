package io.encryptedfs.durability;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Materialises crash images into a scratch Jimfs and reopens them with a fresh encrypted file
 * system, as a restarted process would. One instance per test; close it at the end.
 */
final class Restorer implements AutoCloseable {
  /** The encrypted root's directory under the fault file system's root. */
  static final String ROOT = "enc";

  private final FileSystem scratch = Jimfs.newFileSystem(Configuration.unix());
  private final InMemoryKeys keys;
  private final String algorithm;
  private final int blockSize;
  private int images;

  Restorer(InMemoryKeys keys, String algorithm, int blockSize) {
    this.keys = keys;
    this.algorithm = algorithm;
    this.blockSize = blockSize;
  }

  /** What a reader finds in one file after a crash. */
  interface Check {
    void run(FileSystem encrypted) throws IOException;
  }

  /** Writes the image of {@code plan}, opens the encrypted root on it and runs {@code check}. */
  void afterCrash(Recording recording, CrashPlan plan, Check check) throws IOException {
    Path dir = scratch.getPath("/image" + images++);
    recording.crash(plan).writeTo(dir);
    try (FileSystem fs = TestRoots.open(dir.resolve(ROOT), keys, algorithm, blockSize)) {
      check.run(fs);
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> tree = Files.walk(dir)) {
      tree.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  @Override
  public void close() throws IOException {
    scratch.close();
  }
}
