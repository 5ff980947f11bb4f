package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.durability.PageWorkload.Checkpoint;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.CrashPoints;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

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
        afterProcessCrashIsLatest(restorer, c, blockSize);
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

  /** Each cipher at one block size, with whole writes and with pages as the unit of reordering. */
  static Stream<Arguments> reorderings() {
    return Stream.of(
        Arguments.of("AES-256-GCM", 4096, false),
        Arguments.of("CHACHA20-POLY1305", 16384, false),
        Arguments.of("AES-256-GCM", 4096, true),
        Arguments.of("CHACHA20-POLY1305", 16384, true));
  }

  /**
   * Beyond the ordered model: write-back keeps any subset of the unforced writes. The file must
   * still open with a size of some state since the force, and every block must read as that block
   * in the forced or a later state, or raise damage naming a block rewritten in place since the
   * force or a new block past the forced end.
   */
  @ParameterizedTest(name = "{0} block {1} pages {2}")
  @MethodSource("reorderings")
  void reorderedWriteBackKeepsTheForcedState(String algorithm, int blockSize, boolean pages)
      throws IOException {
    long seed = Soak.seed(algorithm.hashCode() + blockSize + 1);
    PageWorkload w = PageWorkload.run(algorithm, blockSize, Soak.enabled() ? 200 : 40, seed);
    int perCheckpoint = Math.max(4, POINTS / 2 / w.checkpoints.size());
    Checked checked =
        checkEach(
            w,
            algorithm,
            blockSize,
            true,
            (c, n) -> c.recording().crashPoints().sampleReordered(seed + n, perCheckpoint, pages));
    System.out.printf(
        "PAGES reordered%s %s/%d: %d crash points, %d detected damaged blocks%n",
        pages ? " by page" : "", algorithm, blockSize, checked.points(), checked.damaged());
  }

  /**
   * The same writes, forced only by another thread in a loop, each force held for a random moment
   * in the fault file system so that writes, and their tail records, go on while it runs: what a
   * crash keeps must include every write that returned before a completed force began. A checkpoint
   * follows every write, with the states since the newest force known to have covered it; the seed
   * fixes the writes, not how they interleave with the forces. In both write modes: a buffered
   * write's record is written by the force, the time bound or the next write.
   */
  @ParameterizedTest(name = "{0} block {1} {2} pages {3}")
  @CsvSource({
    "AES-256-GCM, 4096, write-through, false",
    "CHACHA20-POLY1305, 16384, buffered, false",
    "AES-256-GCM, 4096, buffered, true",
    "CHACHA20-POLY1305, 16384, write-through, true"
  })
  void forcesFromAnotherThreadKeepWhatTheyCover(
      String algorithm, int blockSize, String mode, boolean pages) throws IOException {
    long seed = Soak.seed(algorithm.hashCode() + blockSize + 2);
    PageWorkload w =
        PageWorkload.runBesideAForcer(algorithm, blockSize, mode, Soak.enabled() ? 200 : 40, seed);
    checkOrderedAndReordered(w, algorithm, blockSize, seed, pages, "beside a forcer " + mode);
  }

  /**
   * Overwrites of up to 256 KiB, whose home blocks this thread and the crypto helpers seal at once
   * (the sealing shared, the raw writes still this thread's): a crash in the middle of one, or any
   * subset of its pages kept by write-back, must still leave the forced state or a later one in
   * every block (damage only where a block was rewritten in place), and a process crash after it
   * exactly the latest state.
   */
  @ParameterizedTest(name = "{0} block {1}")
  @CsvSource({"AES-256-GCM, 4096", "CHACHA20-POLY1305, 16384"})
  void longWritesSharedAcrossThreadsKeepTheForcedState(String algorithm, int blockSize)
      throws IOException {
    long seed = Soak.seed(algorithm.hashCode() + blockSize + 3);
    PageWorkload w =
        PageWorkload.runLongWrites(algorithm, blockSize, Soak.enabled() ? 100 : 20, seed);
    try (Restorer restorer = new Restorer(w.keys, algorithm, blockSize)) {
      for (Checkpoint c : w.checkpoints) {
        afterProcessCrashIsLatest(restorer, c, blockSize);
      }
    }
    checkOrderedAndReordered(w, algorithm, blockSize, seed, true, "long writes");
  }

  /** A process crash at checkpoint {@code c} leaves exactly its latest state. */
  private static void afterProcessCrashIsLatest(Restorer restorer, Checkpoint c, int blockSize)
      throws IOException {
    restorer.afterCrash(
        c.recording(),
        CrashPlan.processCrash(),
        fs -> assertArrayEquals(c.latest(), readAll(fs, blockSize)));
  }

  /** How many crash points were checked, and how many blocks they left reported damaged. */
  private record Checked(int points, int damaged) {}

  /**
   * Checks every checkpoint of {@code w} at half its share of {@link #POINTS} in order (crashes in
   * the order the writes were made) and half reordered by write-back ({@code pages}: by page, not
   * by whole write), and that each checkpoint had at least two ordered points.
   */
  private static void checkOrderedAndReordered(
      PageWorkload w, String algorithm, int blockSize, long seed, boolean pages, String what)
      throws IOException {
    int perCheckpoint = Math.max(4, POINTS / 2 / w.checkpoints.size());
    Checked ordered =
        checkEach(
            w,
            algorithm,
            blockSize,
            false,
            (c, n) -> c.recording().crashPoints().sample(seed + n, perCheckpoint / 2));
    Checked reordered =
        checkEach(
            w,
            algorithm,
            blockSize,
            true,
            (c, n) ->
                c.recording().crashPoints().sampleReordered(seed + n, perCheckpoint / 2, pages));
    System.out.printf(
        "PAGES %s %s/%d: %d checkpoints; ordered %s; reordered%s %s%n",
        what,
        algorithm,
        blockSize,
        w.checkpoints.size(),
        ordered,
        pages ? " by page" : "",
        reordered);
    assertTrue(ordered.points() >= 2 * w.checkpoints.size(), "checked " + ordered);
  }

  /**
   * Checks every checkpoint of {@code w} at the plans {@code plans} draws for it (given the number
   * of points checked so far, for seeding); {@code reordered} plans may also damage new blocks.
   */
  private static Checked checkEach(
      PageWorkload w,
      String algorithm,
      int blockSize,
      boolean reordered,
      BiFunction<Checkpoint, Integer, Stream<CrashPlan>> plans)
      throws IOException {
    int checked = 0;
    int[] damaged = {0};
    try (Restorer restorer = new Restorer(w.keys, algorithm, blockSize)) {
      for (Checkpoint c : w.checkpoints) {
        for (CrashPlan plan : (Iterable<CrashPlan>) plans.apply(c, checked)::iterator) {
          restorer.afterCrash(
              c.recording(),
              plan,
              fs -> damaged[0] += check(fs, c, blockSize, plan.toString(), reordered));
          checked++;
        }
      }
    }
    return new Checked(checked, damaged[0]);
  }

  /**
   * The case the page-granular model found: a record keeps 100 bytes as its partial tail, the next
   * fills that block, a force makes it durable, and the block is then rewritten in place. The
   * header write that names the forced record follows the force and is itself durable only at the
   * next one, so write-back may keep part of the rewrite and lose the header write. The reader then
   * took the torn block for one that never landed and fell back to the 100-byte record, losing
   * forced data without a word. With {@code appends} small appends between the force and the
   * rewrite, the 100-byte record's slot is written over before the rewrite, but that write need not
   * land either (the soak found this one). Every subset of the pages written since the force must
   * leave a size the file had since, with block 0 old, new, or reported damaged.
   */
  @ParameterizedTest(name = "{0} block {1} appends {2}")
  @CsvSource({
    "AES-256-GCM, 4096, 0",
    "CHACHA20-POLY1305, 16384, 0",
    "AES-256-GCM, 4096, 2",
    "CHACHA20-POLY1305, 16384, 2"
  })
  void aTornRewriteOfABlockJustFilledKeepsTheForcedState(
      String algorithm, int blockSize, int appends) throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    byte[] forced = new byte[blockSize];
    Arrays.fill(forced, (byte) 7);
    byte[] rewritten = new byte[blockSize];
    Arrays.fill(rewritten, (byte) 9);
    Recording recording;
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs =
              TestRoots.open(faults.root().resolve(Restorer.ROOT), keys, algorithm, blockSize);
          FileChannel ch = FileChannel.open(fs.getPath("/pages"), CREATE_NEW, READ, WRITE)) {
        ch.write(ByteBuffer.wrap(forced, 0, 100), 0);
        ch.write(ByteBuffer.wrap(forced, 100, blockSize - 100), 100);
        ch.force(false);
        for (int a = 0; a < appends; a++) {
          ch.write(ByteBuffer.wrap(forced, 0, 10), blockSize + 10L * a);
        }
        ch.write(ByteBuffer.wrap(rewritten), 0);
        recording = faults.recording();
      }
    }
    try (Restorer restorer = new Restorer(keys, algorithm, blockSize)) {
      restorer.afterEveryPageSubset(
          recording,
          Restorer.ROOT + "/pages",
          (fs, plan) -> {
            try (FileChannel ch = FileChannel.open(fs.getPath("/pages"), READ)) {
              long size = ch.size();
              assertTrue(
                  size >= blockSize
                      && size <= blockSize + 10L * appends
                      && (size - blockSize) % 10 == 0,
                  plan + ": size " + size);
              ByteBuffer appended = ByteBuffer.allocate((int) size - blockSize);
              while (appended.hasRemaining()
                  && ch.read(appended, blockSize + appended.position()) > 0) {
                // what was appended and survived
              }
              assertArrayEquals(
                  Arrays.copyOf(forced, appended.capacity()), appended.array(), plan::toString);
              Restorer.assertBlockIsOneOf(ch, 0, blockSize, plan, forced, rewritten);
            }
          });
    }
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
