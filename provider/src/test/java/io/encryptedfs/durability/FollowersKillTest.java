package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other programs reading a WAL while the program writing it is killed again and again: every reader
 * sees only whole log prefixes, never a damaged file, and every acknowledged record survives each
 * kill.
 */
class FollowersKillTest {
  private static final int ROUNDS = Soak.enabled() ? 100 : 8;

  @Test
  void readersFollowAWriterThatIsKilled(@TempDir Path dir) throws Exception {
    long seed = Soak.seed(7);
    Path root = dir.resolve("enc");
    EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed)).close();
    List<ChildLines> followers = new ArrayList<>();
    for (String mode : List.of("reopen", "fresh", "hold")) {
      followers.add(ChildLines.start(WalFollower.class, root.toString(), "" + seed, mode));
    }
    SplittableRandom random = new SplittableRandom(seed);
    int records = 0;
    for (int round = 0; round < ROUNDS; round++) {
      ChildLines writer =
          ChildLines.start(
              WalAppender.class,
              root.toString(),
              "" + seed,
              "" + records,
              round % 2 == 0 ? "force" : "noforce");
      assertTrue(writer.await("ready.", 30_000), "writer never became ready");
      Thread.sleep(100 + random.nextInt(400));
      int acked = ChildLines.lastAck(writer.kill(), records - 1);
      int found = recovered(root, seed);
      assertTrue(found >= acked + 1, "round " + round + ": " + found + " records, acked " + acked);
      records = found;
    }
    Files.createFile(dir.resolve("stop"));
    List<String> failures = new ArrayList<>();
    List<String> reads = new ArrayList<>();
    for (ChildLines follower : followers) {
      assertTrue(follower.await("done.", 20_000), follower.lines().toString());
      List<String> lines = follower.kill();
      lines.stream().filter(l -> l.startsWith("FAIL")).forEach(failures::add);
      String read = lines.stream().filter(l -> l.startsWith("read ")).findFirst().orElseThrow();
      assertTrue(Long.parseLong(read.split("[ .]")[2]) > 0, "the reader saw the log: " + read);
      reads.add(read);
    }
    System.out.printf("FOLLOW: %d SIGKILLs, %d records, readers %s%n", ROUNDS, records, reads);
    assertEquals(List.of(), failures);
  }

  private static int recovered(Path root, long seed) throws IOException {
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed))) {
      byte[] found = Files.readAllBytes(fs.getPath("/wal"));
      WalLog.Recovered r = WalLog.recover(found);
      byte[] log = WalFollower.expected(seed, found.length);
      assertArrayEquals(Arrays.copyOf(log, found.length), found);
      return r.records();
    }
  }
}
