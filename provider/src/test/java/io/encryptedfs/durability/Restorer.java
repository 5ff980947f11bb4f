package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FileCut;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.LongEmptyFiles;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Map;
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
    LongEmptyFiles.dateBack(dir);
    try (FileSystem fs = TestRoots.open(dir.resolve(ROOT), keys, algorithm, blockSize)) {
      check.run(fs);
    } finally {
      delete(dir);
    }
  }

  /** What a reader finds after one crash, told the crash. */
  interface PlanCheck {
    void run(FileSystem encrypted, CrashPlan plan) throws IOException;
  }

  /**
   * Runs {@code check} after every crash that keeps a subset of the pages written to {@code file}
   * (relative to the recording's root) since its last force, every other file whole. For small
   * cases: at most 12 pages, 4,096 crashes.
   */
  void afterEveryPageSubset(Recording recording, String file, PlanCheck check) throws IOException {
    int pages = recording.file(file).unforcedPages();
    assertTrue(pages <= 12, file + ": " + pages + " pages");
    for (long bits = 0; bits < 1L << pages; bits++) {
      BitSet kept = BitSet.valueOf(new long[] {bits});
      CrashPlan plan = CrashPlan.of(Map.of(file, FileCut.pages(kept)), FileCut.all());
      afterCrash(recording, plan, fs -> check.run(fs, plan));
    }
  }

  /**
   * Reads block {@code index} of {@code ch}: it must hold one of {@code versions} whole, or fail
   * authentication with {@link DamagedFileException} naming it, as a block rewritten in place and
   * torn by a crash does.
   */
  static void assertBlockIsOneOf(
      FileChannel ch, long index, int blockSize, CrashPlan plan, byte[]... versions)
      throws IOException {
    ByteBuffer block = ByteBuffer.allocate(blockSize);
    try {
      while (block.hasRemaining() && ch.read(block, index * blockSize + block.position()) > 0) {
        // the whole block
      }
    } catch (DamagedFileException e) {
      assertEquals(index, e.block(), plan::toString);
      return;
    }
    for (byte[] version : versions) {
      if (Arrays.equals(version, block.array())) {
        return;
      }
    }
    fail(plan + ": block " + index + " holds none of the versions written");
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
