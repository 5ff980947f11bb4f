package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.durability.WalWorkload.Checkpoint;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.CrashPoints;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Promises 1 and 2 for a write-ahead log: small self-describing records appended through a {@code
 * FileChannel} in APPEND mode, forced after every record, every 5 records or never, crashed at
 * sampled points of the fault model (ordered prefixes with sector tears) and reopened.
 */
class WalCrashTest {
  /** Crash points checked per workload; the soak mode checks many more. */
  private static final int POINTS = Soak.enabled() ? 20_000 : 1_000;

  private static final int REORDERED = Soak.enabled() ? 5_000 : 200;

  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (String algorithm : List.of("AES-256-GCM", "CHACHA20-POLY1305")) {
      for (int blockSize : List.of(4096, 16384)) {
        for (int forceEvery : List.of(1, 5, 0)) {
          cases.add(Arguments.of(algorithm, blockSize, forceEvery));
        }
      }
    }
    return cases.build();
  }

  /** Enough records to cross at least three blocks: about 170 bytes each on average. */
  private static int records(int blockSize) {
    return 3 * blockSize / 150;
  }

  @ParameterizedTest(name = "{0} block {1} force every {2}")
  @MethodSource("cases")
  void forcedRecordsSurviveAndTheRestIsAWholePrefix(String algorithm, int blockSize, int every)
      throws IOException {
    long seed = Soak.seed(algorithm.hashCode() * 31L + blockSize + every);
    WalWorkload w = WalWorkload.run(algorithm, blockSize, records(blockSize), every, seed);
    byte[] all = w.writtenBytes();
    int perCheckpoint = Math.max(4, POINTS / w.checkpoints.size());
    int checked = 0;
    try (Restorer restorer = new Restorer(w.keys, algorithm, blockSize)) {
      for (Checkpoint c : w.checkpoints) {
        // Process crash (SIGKILL, OOM): every write that returned is there.
        restorer.afterCrash(
            c.recording(),
            CrashPlan.processCrash(),
            fs ->
                assertArrayEquals(
                    Arrays.copyOf(all, c.writtenBytes()), Files.readAllBytes(fs.getPath("/wal"))));
        CrashPoints points = c.recording().crashPoints();
        Stream<CrashPlan> plans =
            points.count() <= perCheckpoint
                ? points.all()
                : points.sample(seed + checked, perCheckpoint);
        for (CrashPlan plan : (Iterable<CrashPlan>) plans::iterator) {
          restorer.afterCrash(c.recording(), plan, fs -> checkPowerLoss(fs, all, c, plan));
          checked++;
        }
      }
    }
    assertTrue(checked >= Math.min(POINTS / 2, w.checkpoints.size()), "checked " + checked);
    System.out.printf(
        "WAL %s/%d/every %d: %d checkpoints, %d crash points%n",
        algorithm, blockSize, every, w.checkpoints.size(), checked);
  }

  /**
   * Beyond the ordered model: write-back that keeps an arbitrary subset of the unforced writes (the
   * page cache flushes dirty pages in any order, and the tail slots sit below the home blocks).
   * Pinned here: the file opens and every forced byte reads back; past the forced end a read
   * returns a prefix of what was written or raises DamagedFileException for a block that was never
   * forced (a later block landed, an earlier one did not). Never wrong bytes. The outcomes are
   * counted and printed; see the README, section "Durability".
   */
  @ParameterizedTest(name = "{0} block {1} force every {2}")
  @MethodSource("cases")
  void reorderedWriteBackNeverReturnsWrongData(String algorithm, int blockSize, int every)
      throws IOException {
    long seed = Soak.seed(algorithm.hashCode() * 17L + blockSize + every);
    WalWorkload w = WalWorkload.run(algorithm, blockSize, records(blockSize), every, seed);
    byte[] all = w.writtenBytes();
    int perCheckpoint = Math.max(2, REORDERED / w.checkpoints.size());
    Map<String, Integer> outcomes = new TreeMap<>();
    try (Restorer restorer = new Restorer(w.keys, algorithm, blockSize)) {
      int i = 0;
      for (Checkpoint c : w.checkpoints) {
        for (CrashPlan plan :
            (Iterable<CrashPlan>)
                c.recording().crashPoints().sampleReordered(seed + i, perCheckpoint, (i++ & 1) == 1)
                    ::iterator) {
          restorer.afterCrash(
              c.recording(),
              plan,
              fs -> {
                String outcome = reorderedOutcome(fs, all, c, plan, blockSize);
                outcomes.merge(outcome, 1, Integer::sum);
              });
        }
      }
    }
    System.out.printf("WAL reordered %s/%d/every %d: %s%n", algorithm, blockSize, every, outcomes);
    assertTrue(outcomes.getOrDefault("intact", 0) > 0);
  }

  /**
   * One reordered crash: the file must open and return every forced byte (else the test fails); the
   * unforced rest reads as a prefix of what was written ("intact") or raises a detected
   * DamagedFileException ("unforced damage detected"); it is never wrong bytes.
   */
  private static String reorderedOutcome(
      FileSystem fs, byte[] all, Checkpoint c, CrashPlan plan, int blockSize) throws IOException {
    try (FileChannel ch = FileChannel.open(fs.getPath("/wal"), StandardOpenOption.READ)) {
      long size = ch.size();
      assertTrue(size >= c.forcedBytes(), () -> plan + ": forced bytes lost, size " + size);
      ByteBuffer forced = ByteBuffer.allocate(c.forcedBytes());
      while (forced.hasRemaining() && ch.read(forced, forced.position()) > 0) {
        // read the forced prefix; any exception here fails the test
      }
      assertArrayEquals(Arrays.copyOf(all, c.forcedBytes()), forced.array(), plan::toString);
      ByteBuffer rest = ByteBuffer.allocate((int) size - c.forcedBytes());
      try {
        while (rest.hasRemaining() && ch.read(rest, c.forcedBytes() + rest.position()) > 0) {
          // read the unforced rest
        }
      } catch (DamagedFileException e) {
        assertTrue(
            e.block() >= c.forcedBytes() / blockSize,
            () -> plan + ": damage in forced block: " + e.getMessage());
        return "unforced damage detected";
      }
      byte[] found = Arrays.copyOf(forced.array(), (int) size);
      System.arraycopy(rest.array(), 0, found, c.forcedBytes(), rest.capacity());
      checkPrefix(all, c, plan, found);
      return "intact";
    }
  }

  /**
   * Power loss: the forced records are there, and what follows is a prefix of what was written
   * (whole records, or a torn last record the WAL reader recognises). Never an exception.
   */
  static void checkPowerLoss(FileSystem fs, byte[] all, Checkpoint c, CrashPlan plan) {
    byte[] found;
    try {
      found = Files.readAllBytes(fs.getPath("/wal"));
    } catch (IOException e) {
      throw new AssertionError("after " + plan + ": " + e, e);
    }
    checkPrefix(all, c, plan, found);
  }

  /** {@code found} holds every forced byte, then a prefix of what was written after them. */
  static void checkPrefix(byte[] all, Checkpoint c, CrashPlan plan, byte[] found) {
    if (found.length < c.forcedBytes() || found.length > c.writtenBytes()) {
      fail(
          "after "
              + plan
              + ": "
              + found.length
              + " bytes, forced "
              + c.forcedBytes()
              + ", written "
              + c.writtenBytes());
    }
    assertArrayEquals(Arrays.copyOf(all, found.length), found, () -> "after " + plan);
    // The WAL reader finds whole records, then at most one torn record it can recognise.
    WalLog.Recovered r = WalLog.recover(found);
    assertEquals(r.tornTail(), r.validBytes() < found.length, () -> "after " + plan);
  }
}
