package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.durability.WalWorkload.Checkpoint;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crash, recover, append, crash again. The first crash keeps an arbitrary subset of the unforced
 * writes, or of the pages they wrote (reordered write-back), so the reader may have rejected newer
 * tail records whose home blocks never landed; such a record must never come back after the next
 * session grows the raw file (it would stitch its stale tail onto new blocks). The WAL recovers as
 * a database would (truncate a torn last record), appends without forcing, and is crashed again at
 * ordered and reordered points: the recovered records must stay, followed by a prefix of the new
 * ones.
 */
class RecoveryCrashTest {
  private static final int FIRST = Soak.enabled() ? 400 : 25;
  private static final int SECOND = Soak.enabled() ? 40 : 12;

  @ParameterizedTest(name = "{0} block {1} force every {2}")
  @CsvSource({"AES-256-GCM, 4096, 0", "CHACHA20-POLY1305, 4096, 5", "AES-256-GCM, 16384, 1"})
  void recoveredRecordsSurviveTheNextCrash(String algorithm, int blockSize, int every)
      throws IOException {
    long seed = Soak.seed(algorithm.hashCode() * 7L + blockSize + every);
    int records = 3 * blockSize / 150;
    WalWorkload w = WalWorkload.run(algorithm, blockSize, records, every, seed);
    byte[] all = w.writtenBytes();
    int second = 0;
    int recoveries = 0;
    List<Checkpoint> checkpoints = w.checkpoints;
    int perCheckpoint = Math.max(1, FIRST / checkpoints.size());
    try (Restorer restorer = new Restorer(w.keys, algorithm, blockSize)) {
      int i = 0;
      for (Checkpoint c : checkpoints) {
        for (CrashPlan first :
            (Iterable<CrashPlan>)
                c.recording().crashPoints().sampleReordered(seed + i, perCheckpoint, (i++ & 1) == 1)
                    ::iterator) {
          Session s = recoverAndAppend(c.recording(), first, w, algorithm, blockSize, all, seed);
          if (s == null) {
            continue;
          }
          recoveries++;
          Stream<CrashPlan> plans =
              Stream.concat(
                  s.recording.crashPoints().sample(seed + i, SECOND),
                  s.recording.crashPoints().sampleReordered(seed - i, SECOND, (i & 1) == 0));
          for (CrashPlan plan : (Iterable<CrashPlan>) plans::iterator) {
            restorer.afterCrash(s.recording, plan, fs -> check(fs, s, first, plan));
            second++;
          }
        }
      }
    }
    System.out.printf(
        "RECOVERY %s/%d/every %d: %d recoveries, %d second crashes%n",
        algorithm, blockSize, every, recoveries, second);
    assertTrue(recoveries > 0 && second > 0);
  }

  /** The second session: what it recovered and what it then appended. */
  private record Session(Recording recording, int recovered, byte[] expected) {}

  /**
   * Restarts on the image of {@code first}, recovers the WAL and appends 40 records unforced; null
   * when the unforced tail was detected as damaged (a database would stop there too).
   */
  private static Session recoverAndAppend(
      Recording recording,
      CrashPlan first,
      WalWorkload w,
      String algorithm,
      int blockSize,
      byte[] all,
      long seed)
      throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      recording.crash(first).writeTo(jimfs.getPath("/db"));
      FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(jimfs.getPath("/db"));
      FileSystem enc =
          TestRoots.open(faults.root().resolve(Restorer.ROOT), w.keys, algorithm, blockSize);
      byte[] found;
      try {
        found = Files.readAllBytes(enc.getPath("/wal"));
      } catch (DamagedFileException e) {
        enc.close();
        return null;
      }
      assertArrayEquals(Arrays.copyOf(all, found.length), found, first::toString);
      WalLog.Recovered r = WalLog.recover(found);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.write(found, 0, r.validBytes());
      try (FileChannel wal = FileChannel.open(enc.getPath("/wal"), WRITE, APPEND)) {
        wal.truncate(r.validBytes());
        for (int n = r.records(); n < r.records() + 40; n++) {
          byte[] record = WalLog.record(seed, n);
          ByteBuffer src = ByteBuffer.wrap(record);
          while (src.hasRemaining()) {
            wal.write(src);
          }
          expected.write(record);
        }
        // Recorded before the channel and file system close, which would force everything.
        Session s = new Session(faults.recording(), r.validBytes(), expected.toByteArray());
        enc.close();
        return s;
      }
    }
  }

  private static void check(FileSystem fs, Session s, CrashPlan first, CrashPlan plan)
      throws IOException {
    String where = "first " + first + ", then " + plan;
    byte[] found;
    try {
      found = Files.readAllBytes(fs.getPath("/wal"));
    } catch (DamagedFileException e) {
      // Allowed only for unforced data under reordered write-back, never for recovered records.
      try (FileChannel ch = FileChannel.open(fs.getPath("/wal"))) {
        ByteBuffer kept = ByteBuffer.allocate(s.recovered());
        try {
          while (kept.hasRemaining() && ch.read(kept, kept.position()) > 0) {
            // the recovered records must read back
          }
        } catch (DamagedFileException lost) {
          throw new AssertionError(
              where
                  + ": recovered records lost: "
                  + lost
                  + "; second session's writes: "
                  + s.recording().file("enc/wal").unforced(),
              lost);
        }
        assertArrayEquals(Arrays.copyOf(s.expected(), s.recovered()), kept.array(), where);
      }
      return;
    }
    assertTrue(
        found.length >= s.recovered() && found.length <= s.expected().length,
        where + ": " + found.length + " bytes, recovered " + s.recovered());
    assertArrayEquals(Arrays.copyOf(s.expected(), found.length), found, where);
  }
}
