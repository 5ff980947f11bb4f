package io.encryptedfs.durability;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Log rotation from many threads: two writers each open {@code /log} ({@code CREATE, APPEND}),
 * append a session of {@link Records}, sometimes force, and close it, while a rotator renames
 * {@code /log} away (sometimes deleting an old one) and readers open {@code /log} and scan it.
 *
 * <p>A session that opened the file keeps appending to it after it was renamed (the file follows
 * its inode), and the next open of {@code /log} creates a new file, never joins the renamed one. So
 * whatever the interleaving, every file is whole records in which each session's come in order from
 * its first; at the end every session's records are all in one file, in order, unless that file was
 * deleted, also after reopening.
 */
class RotationStressTest {
  private static final long APPENDED = -1;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @CsvSource({
    "disk, write-through, 51",
    "disk, buffered, 52",
    "jimfs, write-through, 53",
    "jimfs, buffered, 54",
  })
  void sessionsLandWholeInOneFile(String where, String mode, long salt) throws Exception {
    long seed = Soak.seed(salt);
    AtomicInteger sessions = new AtomicInteger();
    Map<Integer, Integer> appended = new ConcurrentHashMap<>(); // session -> records returned
    Map<Integer, Boolean> deleted = new ConcurrentHashMap<>(); // rotation number -> deleted
    try (StressRoots roots = new StressRoots(where, tmp, mode)) {
      try (FileSystem fs = roots.reopen()) {
        Path log = fs.getPath("/log");
        Stress stress = new Stress(seed);
        for (int w = 0; w < 2; w++) {
          Random random = new Random(seed + w);
          stress.loop(
              "writer" + w,
              () -> {
                int session = sessions.getAndIncrement();
                try (FileChannel ch = FileChannel.open(log, CREATE, WRITE, APPEND)) {
                  for (int i = random.nextInt(40); i >= 0; i--) {
                    int seq = appended.getOrDefault(session, 0);
                    assertEquals(
                        Records.SIZE,
                        ch.write(ByteBuffer.wrap(Records.of(APPENDED, session, seq))));
                    appended.put(session, seq + 1);
                    if (random.nextInt(20) == 0) {
                      ch.force(false);
                    }
                  }
                }
                return true;
              });
        }
        Random rotateRandom = new Random(seed + 2);
        int[] rotations = {0};
        stress.loop(
            "rotator",
            () -> {
              int k = rotations[0]++;
              try {
                Files.move(log, fs.getPath("/old-" + k), ATOMIC_MOVE);
              } catch (NoSuchFileException e) {
                return true; // no session since the last rotation
              }
              if (k > 0 && rotateRandom.nextInt(3) == 0) {
                deleted.put(k - 1, Files.deleteIfExists(fs.getPath("/old-" + (k - 1))));
              }
              Thread.sleep(rotateRandom.nextInt(3));
              return true;
            });
        for (int r = 0; r < 2; r++) {
          stress.loop(
              "reader" + r,
              () -> {
                try (FileChannel ch = FileChannel.open(log, READ)) {
                  ByteBuffer all = ByteBuffer.allocate((int) ch.size());
                  int n = all.hasRemaining() ? ch.read(all, 0) : 0;
                  byte[] bytes = new byte[Math.max(n, 0)];
                  all.flip();
                  all.get(bytes);
                  check(bytes, "/log");
                } catch (NoSuchFileException e) {
                  // rotated away, not yet created again
                }
                return true;
              });
        }
        stress.runFor(1_000);
        Map<Integer, List<Integer>> found = scanAll(fs);
        checkAll(found, appended, "at the end, seed " + seed);
      }
      try (FileSystem fs = roots.reopen()) {
        checkAll(scanAll(fs), appended, "after reopening, seed " + seed);
      }
    }
  }

  /** Each session's record counts per file, over every file of the root. */
  private static Map<Integer, List<Integer>> scanAll(FileSystem fs) throws IOException {
    Map<Integer, List<Integer>> found = new HashMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(fs.getPath("/"))) {
      files = list.toList();
    }
    for (Path file : files) {
      Map<Integer, Integer> counts = check(Files.readAllBytes(file), file.toString());
      counts.forEach((s, c) -> found.computeIfAbsent(s, x -> new ArrayList<>()).add(c));
    }
    return found;
  }

  /**
   * Every session whose records are found is in one file with all of them; a session missing was in
   * a deleted file (or appended nothing).
   */
  private static void checkAll(
      Map<Integer, List<Integer>> found, Map<Integer, Integer> appended, String when) {
    for (Map.Entry<Integer, List<Integer>> e : found.entrySet()) {
      assertEquals(1, e.getValue().size(), when + ": session " + e.getKey() + " in several files");
      assertEquals(appended.get(e.getKey()), e.getValue().get(0), when + ": session " + e.getKey());
    }
  }

  /**
   * Checks that {@code bytes} are whole records, each session's numbered from 0 without a gap;
   * returns each session's count.
   */
  private static Map<Integer, Integer> check(byte[] bytes, String what) {
    assertEquals(0, bytes.length % Records.SIZE, what + ": " + bytes.length + " bytes");
    Map<Integer, Integer> next = new HashMap<>();
    for (int at = 0; at < bytes.length; at += Records.SIZE) {
      Records.Found record = Records.read(bytes, at, APPENDED);
      assertNotNull(record, what + ": a hole at " + at);
      int expected = next.getOrDefault(record.writer(), 0);
      assertEquals(expected, record.seq(), what + ": session " + record.writer() + " at " + at);
      next.put(record.writer(), expected + 1);
    }
    assertTrue(next.size() <= bytes.length / Records.SIZE);
    return next;
  }
}
