package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise 1 for names, with a real process and the real disk: a child JVM replaces a file by a
 * forced new version renamed over it, and moves forced files to another root, until the parent
 * SIGKILLs it at a random moment ({@link NameChangesChild}). After each kill the file replaced is
 * whole, the version of the last step acknowledged or of the one after; every file whose move was
 * acknowledged is whole in the other root and gone from the first; and the move the kill cut short
 * left its file whole on one side at least, and never part of it in the other root: its copy is put
 * at its name only once whole, and its source is deleted only after that.
 */
class NameChangesKillTest {
  private static final int ROUNDS = Soak.enabled() ? 100 : 10;

  @Test
  void everyAcknowledgedNameChangeSurvivesSigkill(@TempDir Path dir) throws Exception {
    long seed = Soak.seed(43);
    Path rootA = dir.resolve("a");
    Path rootB = dir.resolve("b");
    SplittableRandom random = new SplittableRandom(seed);
    int next = 0;
    Map<String, Integer> cuts = new TreeMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      ChildLines child =
          ChildLines.start(
              NameChangesChild.class,
              rootA.toString(),
              rootB.toString(),
              Long.toString(seed),
              Integer.toString(next));
      assertTrue(child.await("ready.", 30_000) && child.isAlive(), "child never got ready");
      Thread.sleep(random.nextInt(300));
      int acked = ChildLines.lastAck(child.kill(), next - 1);
      cuts.merge(check(rootA, rootB, seed, next, acked, "round " + round), 1, Integer::sum);
      next = acked + 1;
    }
    System.out.printf(
        "NAMES KILL: %d SIGKILLs, %d steps acknowledged; the move cut short, in A/in B: %s%n",
        ROUNDS, next, cuts);
    assertTrue(next > 0, "no step was acknowledged in " + ROUNDS + " rounds");
  }

  /** Checks the roots after a kill; returns what it left of the move it cut short. */
  private static String check(Path rootA, Path rootB, long seed, int first, int acked, String round)
      throws IOException {
    try (FileSystem a = EncryptedFileSystems.newFileSystem(rootA, WalAppender.env(seed));
        FileSystem b = EncryptedFileSystems.newFileSystem(rootB, WalAppender.env(seed))) {
      Path snap = a.getPath("/snap");
      if (acked >= 0) {
        byte[] found = Files.readAllBytes(snap);
        boolean acknowledged = Arrays.equals(NameChangesChild.snapshot(seed, acked), found);
        boolean nextOne = Arrays.equals(NameChangesChild.snapshot(seed, acked + 1), found);
        assertTrue(acknowledged || nextOne, round + ": /snap is neither version " + acked + "+0/1");
      } else if (Files.exists(snap)) {
        assertArrayEquals(NameChangesChild.snapshot(seed, 0), Files.readAllBytes(snap), round);
      }
      for (int n = first; n <= acked; n++) {
        assertFalse(Files.exists(a.getPath("/m" + n)), round + ": /m" + n + " left in A");
        assertArrayEquals(
            NameChangesChild.moved(seed, n),
            Files.readAllBytes(b.getPath("/m" + n)),
            round + ": /m" + n + " in B");
      }
      int cut = acked + 1;
      byte[] whole = NameChangesChild.moved(seed, cut);
      State source = state(a.getPath("/m" + cut), whole);
      State copy = state(b.getPath("/m" + cut), whole);
      String both = round + ": /m" + cut + " is " + source + " in A, " + copy + " in B";
      // The copy is written under a name root B hides and put at /mN only once whole and forced.
      assertTrue(copy == State.ABSENT || copy == State.WHOLE, both);
      if (copy == State.WHOLE) {
        assertTrue(source != State.PART, both); // the copy began once the source was forced
      }
      try (Stream<Path> listed = Files.list(b.getPath("/"))) {
        // the copies a kill left under their temporary names are not among them
        listed.forEach(p -> assertTrue(p.toString().startsWith("/m"), round + ": listed " + p));
      }
      return source + "/" + copy;
    }
  }

  /** What a kill left of a file whose content was to be {@code whole}. */
  private enum State {
    ABSENT,
    WHOLE,
    /** A prefix, or what an interrupted creation leaves: an empty or cut-short raw file. */
    PART
  }

  private static State state(Path p, byte[] whole) throws IOException {
    if (!Files.exists(p)) {
      return State.ABSENT;
    }
    byte[] found;
    try {
      found = Files.readAllBytes(p);
    } catch (DamagedFileException e) {
      // A creation is two writes (header and first record, then the front region's last byte):
      // a kill before the first leaves an empty raw file, one between them a front region cut
      // short (FORMAT.md section 8). Either holds nothing, and a creating open must make it a new
      // file, as a plain file system opens the empty file left there; the child deletes it anyway
      // before it moves that file again.
      assertTrue(
          e.getMessage().contains("raw file is empty")
              || e.getMessage().contains("truncated: raw length"),
          p + ": " + e);
      FileChannel.open(p, CREATE, WRITE).close();
      assertEquals(0, Files.readAllBytes(p).length, p + ": remade");
      return State.PART;
    }
    assertTrue(found.length <= whole.length, p + ": longer than written");
    assertArrayEquals(Arrays.copyOf(whole, found.length), found, p + ": not a prefix");
    return found.length == whole.length ? State.WHOLE : State.PART;
  }
}
