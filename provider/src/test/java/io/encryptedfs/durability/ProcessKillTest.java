package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 1 with a real process and the real disk: a child JVM appends records through an encrypted
 * {@code FileChannel}, the parent SIGKILLs it at a random moment, reopens, checks that every
 * acknowledged record is there and intact, and starts the next child appending after them. Rounds
 * alternate between forcing every record and never.
 */
class ProcessKillTest {
  private static final int ROUNDS = Soak.enabled() ? 200 : 20;

  @Test
  void everyAcknowledgedRecordSurvivesSigkill(@TempDir Path dir) throws Exception {
    long seed = Soak.seed(42);
    Path root = dir.resolve("enc");
    SplittableRandom random = new SplittableRandom(seed);
    int records = 0;
    int kills = 0;
    for (int round = 0; round < ROUNDS; round++) {
      boolean force = round % 2 == 0;
      ChildLines child = start(root, seed, records, force);
      // Kill between 0 and 300 ms after the child is ready to append.
      assertTrue(child.await("ready.", 30_000), "child never became ready");
      Thread.sleep(random.nextInt(300));
      int acked = ChildLines.lastAck(child.kill(), -1);
      kills++;
      int found = recoveredRecords(root, seed);
      assertTrue(
          found >= acked + 1,
          "round " + round + ": " + found + " records, but record " + acked + " was acknowledged");
      records = found;
    }
    System.out.printf("KILL: %d SIGKILLs, %d records survive%n", kills, records);
    assertEquals(ROUNDS, kills);
  }

  /** Reopens the root as a restarted process would and checks the log; returns its records. */
  private static int recoveredRecords(Path root, long seed) throws IOException {
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed))) {
      Path wal = fs.getPath("/wal");
      if (!Files.exists(wal)) {
        return 0;
      }
      byte[] found = Files.readAllBytes(wal);
      WalLog.Recovered r = WalLog.recover(found);
      // One write is one record, and a process crash never tears a write that the reader sees.
      assertFalse(r.tornTail(), "torn record after a process crash");
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      for (int n = 0; n < r.records(); n++) {
        expected.writeBytes(WalLog.record(seed, n));
      }
      assertArrayEquals(expected.toByteArray(), found);
      return r.records();
    }
  }

  private static ChildLines start(Path root, long seed, int first, boolean force)
      throws IOException {
    return ChildLines.start(
        WalAppender.class,
        root.toString(),
        Long.toString(seed),
        Integer.toString(first),
        force ? "force" : "noforce");
  }
}
