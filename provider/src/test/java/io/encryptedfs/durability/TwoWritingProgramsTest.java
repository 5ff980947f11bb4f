package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.nio.ByteBuffer;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two programs writing one file at once ({@link ContendingWriter}): one waits for the other's
 * writer lock, or they take turns, and the file holds every record each acknowledged, whole and
 * once, whether they append or write at positions, and whether one of them is killed.
 */
class TwoWritingProgramsTest {
  private static final long SEED = 11;

  @ParameterizedTest
  @CsvSource({
    "keep,append,150,-1",
    "keep,positional,150,-1",
    "each,append,60,-1",
    "each,positional,60,-1",
    "locked,append,150,-1",
    "locked,positional,150,-1",
    "keep,append,100000,30",
    "locked,append,100000,30",
    "locked,positional,100000,30",
  })
  void everyAcknowledgedRecordIsThereOnce(
      String how, String where, int count, int killAfter, @TempDir Path dir) throws Exception {
    Path root = dir.resolve("enc");
    EncryptedFileSystems.newFileSystem(root, WalAppender.env(SEED)).close();
    ChildLines first = start(root, 0, how, where, count);
    ChildLines second = start(root, 1, how, where, killAfter < 0 ? count : 150);
    assertTrue(first.await("ready.", 30_000) && second.await("ready.", 30_000));
    Files.createFile(dir.resolve("go"));
    int[] acked = new int[2];
    String end = killAfter >= 0 ? "ack " + killAfter + "." : "done.";
    assertTrue(first.await(end, 60_000), first.lines().toString());
    // Killed while it holds the file, or perhaps while it waits for the other's lock.
    acked[0] = ChildLines.lastAck(first.kill(), -1) + 1;
    assertTrue(second.await("done.", 60_000), second.lines().toString());
    List<String> secondLines = second.kill();
    acked[1] = ChildLines.lastAck(secondLines, -1) + 1;
    System.out.printf(
        "TWO %s %s: acked %s, %s%n",
        how, where, Arrays.toString(acked), secondLines.get(secondLines.size() - 2));
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(SEED))) {
      byte[] file = Files.readAllBytes(fs.getPath("/shared"));
      if (where.equals("append")) {
        checkAppended(file, acked);
      } else {
        checkPositional(file, acked);
      }
    }
  }

  private static void checkAppended(byte[] file, int[] acked) {
    assertEquals(0, file.length % ContendingWriter.SIZE, "length " + file.length);
    int[] next = new int[2];
    for (int at = 0; at < file.length; at += ContendingWriter.SIZE) {
      int id = ByteBuffer.wrap(file, at, 4).getInt();
      assertTrue(id == 0 || id == 1, "record at " + at + " has id " + id);
      byte[] expected = ContendingWriter.record(SEED, id, next[id]++);
      assertArrayEquals(
          expected, Arrays.copyOfRange(file, at, at + ContendingWriter.SIZE), "at " + at);
    }
    for (int id = 0; id < 2; id++) {
      assertTrue(
          next[id] >= acked[id] && next[id] <= acked[id] + 1,
          id + ": " + next[id] + " vs " + acked[id]);
    }
  }

  private static void checkPositional(byte[] file, int[] acked) {
    for (int id = 0; id < 2; id++) {
      for (int n = 0; n < acked[id]; n++) {
        int at = (2 * n + id) * ContendingWriter.SIZE;
        assertTrue(
            file.length >= at + ContendingWriter.SIZE, "slot " + n + " of " + id + " missing");
        assertArrayEquals(
            ContendingWriter.record(SEED, id, n),
            Arrays.copyOfRange(file, at, at + ContendingWriter.SIZE),
            "slot " + n + " of " + id);
      }
    }
  }

  private static ChildLines start(Path root, int id, String how, String where, int count)
      throws Exception {
    return ChildLines.start(
        ContendingWriter.class, root.toString(), "" + SEED, "" + id, how, where, "" + count);
  }
}
