package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.durability.PageWorkload.Checkpoint;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.CrashPoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Promises 2 and 3 for random writes: positional overwrites in the middle, extensions with holes
 * and truncate-then-rewrite, crashed at sampled points and reopened. What is pinned, per crash:
 *
 * <ul>
 *   <li>the file opens and its size is the size of the forced state or of a later one;
 *   <li>every block reads as that block in the forced state or a later state (never older than the
 *       last force, never garbage);
 *   <li>or, only for a home block rewritten in place since the last force, a {@link
 *       DamagedFileException} naming exactly that block (a torn in-place overwrite);
 *   <li>after a process crash the file is exactly the latest state, with no damaged block.
 * </ul>
 */
class RandomWriteCrashTest {
  private static final int POINTS = Soak.enabled() ? 20_000 : 1_500;

  @ParameterizedTest(name = "{0} block {1}")
  @CsvSource({
    "AES-256-GCM, 4096",
    "AES-256-GCM, 16384",
    "CHACHA20-POLY1305, 4096",
    "CHACHA20-POLY1305, 16384"
  })
  void forcedStateSurvivesAndTornOverwritesAreDetected(String algorithm, int blockSize)
      throws IOException {
    long seed = Soak.seed(algorithm.hashCode() + blockSize);
    PageWorkload w = PageWorkload.run(algorithm, blockSize, Soak.enabled() ? 200 : 40, seed);
    int perCheckpoint = Math.max(4, POINTS / w.checkpoints.size());
    int checked = 0;
    int[] damaged = {0};
    try (Restorer restorer = new Restorer(w.keys, algorithm, blockSize)) {
      for (Checkpoint c : w.checkpoints) {
        restorer.afterCrash(
            c.recording(),
            CrashPlan.processCrash(),
            fs -> assertArrayEquals(c.latest(), readAll(fs, blockSize)));
        CrashPoints points = c.recording().crashPoints();
        Stream<CrashPlan> plans =
            points.count() <= perCheckpoint
                ? points.all()
                : points.sample(seed + checked, perCheckpoint);
        for (CrashPlan plan : (Iterable<CrashPlan>) plans::iterator) {
          restorer.afterCrash(
              c.recording(),
              plan,
              fs -> damaged[0] += check(fs, c, blockSize, plan.toString(), false));
          checked++;
        }
      }
    }
    System.out.printf(
        "PAGES %s/%d: %d checkpoints, %d crash points, %d detected torn blocks%n",
        algorithm, blockSize, w.checkpoints.size(), checked, damaged[0]);
    assertTrue(checked >= w.checkpoints.size(), "checked " + checked);
  }

  /**
   * Beyond the ordered model: write-back keeps any subset of the unforced writes. The file must
   * still open with a size of some state since the force, and every block must read as that block
   * in the forced or a later state, or raise damage naming a block rewritten in place since the
   * force or a new block past the forced end.
   */
  @ParameterizedTest(name = "{0} block {1}")
  @CsvSource({"AES-256-GCM, 4096", "CHACHA20-POLY1305, 16384"})
  void reorderedWriteBackKeepsTheForcedState(String algorithm, int blockSize) throws IOException {
    long seed = Soak.seed(algorithm.hashCode() + blockSize + 1);
    PageWorkload w = PageWorkload.run(algorithm, blockSize, Soak.enabled() ? 200 : 40, seed);
    int perCheckpoint = Math.max(4, POINTS / 2 / w.checkpoints.size());
    int checked = 0;
    int[] damaged = {0};
    try (Restorer restorer = new Restorer(w.keys, algorithm, blockSize)) {
      for (Checkpoint c : w.checkpoints) {
        for (CrashPlan plan :
            (Iterable<CrashPlan>)
                c.recording().crashPoints().sampleReordered(seed + checked, perCheckpoint)
                    ::iterator) {
          restorer.afterCrash(
              c.recording(),
              plan,
              fs -> damaged[0] += check(fs, c, blockSize, plan.toString(), true));
          checked++;
        }
      }
    }
    System.out.printf(
        "PAGES reordered %s/%d: %d crash points, %d detected damaged blocks%n",
        algorithm, blockSize, checked, damaged[0]);
  }

  /** Checks one crash image; returns the number of blocks reported damaged. */
  private static int check(
      FileSystem fs, Checkpoint c, int blockSize, String plan, boolean reordered)
      throws IOException {
    try (FileChannel ch = FileChannel.open(fs.getPath("/pages"), READ)) {
      long size = ch.size();
      if (c.states().stream().noneMatch(s -> s.length == size)) {
        fail(plan + ": size " + size + " is no state since the last force");
      }
      int damaged = 0;
      ByteBuffer block = ByteBuffer.allocate(blockSize);
      for (int b = 0; (long) b * blockSize < size; b++) {
        block.clear();
        try {
          while (block.hasRemaining()
              && ch.read(block, (long) b * blockSize + block.position()) > 0) {
            // read the whole block
          }
        } catch (DamagedFileException e) {
          assertEquals(b, e.block(), plan + ": " + e.getMessage());
          // Reordered write-back may also drop a new home block past the forced end (unforced
          // data only: the block holding forced tail bytes is forced before it is counted).
          long forcedEnd = c.forced().length;
          boolean unforcedNew =
              reordered
                  && ((long) b * blockSize >= forcedEnd
                      || (forcedEnd % blockSize == 0 && (long) b * blockSize == forcedEnd));
          assertTrue(
              c.inPlace().get(b) || unforcedNew,
              plan + ": block " + b + " damaged but not rewritten in place");
          damaged++;
          continue;
        }
        byte[] found = Arrays.copyOf(block.array(), block.position());
        int index = b;
        if (c.states().stream().noneMatch(s -> blockMatches(s, index, blockSize, found))) {
          fail(plan + ": block " + b + " matches no state since the last force");
        }
      }
      return damaged;
    }
  }

  /** True when {@code found} is block {@code b} of {@code state} (zeros past its end). */
  private static boolean blockMatches(byte[] state, int b, int blockSize, byte[] found) {
    long start = (long) b * blockSize;
    for (int i = 0; i < found.length; i++) {
      long at = start + i;
      byte expected = at < state.length ? state[(int) at] : 0;
      if (found[i] != expected) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readAll(FileSystem fs, int blockSize) throws IOException {
    return java.nio.file.Files.readAllBytes(fs.getPath("/pages"));
  }
}
