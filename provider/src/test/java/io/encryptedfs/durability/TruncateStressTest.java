package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Two appenders of whole {@link Records} beside a thread that truncates the file to a record's edge
 * (a checkpoint dropping the log's newest records, sometimes all of it), readers reading any run of
 * records in one call, the size read two ways, and a thread that forces. (Not {@code
 * Files.readAllBytes}: its several reads see a plain file cut and grown between them too.)
 *
 * <p>Appends and truncations each happen whole, so whatever the interleaving, a read returns -1 or
 * whole records (never a hole, never bytes no one wrote, never an authentication failure), the size
 * is always a record's edge, and each writer's records come in the order it wrote them (truncation
 * drops the newest, and later ones come after). At the end the file reopens to the same bytes.
 */
class TruncateStressTest {
  private static final long APPENDED = -1;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @CsvSource({
    "disk, write-through, 21",
    "disk, buffered, 22",
    "jimfs, write-through, 23",
    "jimfs, buffered, 24",
  })
  void readsFindTheEndOrWholeRecords(String where, String mode, long salt) throws Exception {
    long seed = Soak.seed(salt);
    byte[] last;
    try (StressRoots roots = new StressRoots(where, tmp, mode)) {
      try (FileSystem fs = roots.reopen();
          FileChannel cutting = FileChannel.open(fs.getPath("/log"), CREATE_NEW, READ, WRITE)) {
        Path file = fs.getPath("/log");
        Stress stress = new Stress(seed);
        for (int w = 0; w < 2; w++) {
          int writer = w;
          int[] seq = {0};
          FileChannel ch = FileChannel.open(file, WRITE, APPEND);
          stress.loop(
              "appender" + w,
              () -> {
                ByteBuffer src = ByteBuffer.wrap(Records.of(APPENDED, writer, seq[0]++));
                assertEquals(Records.SIZE, ch.write(src));
                return seq[0] < 20_000;
              });
        }
        Random cutRandom = new Random(seed);
        stress.loop(
            "truncater",
            () -> {
              long records = cutting.size() / Records.SIZE;
              long keep =
                  cutRandom.nextInt(10) == 0 ? 0 : Math.max(0, records - cutRandom.nextInt(60));
              cutting.truncate(keep * Records.SIZE);
              Thread.sleep(cutRandom.nextInt(3));
              return true;
            });
        for (int r = 0; r < 2; r++) {
          Random random = new Random(seed + 10 + r);
          FileChannel reading = FileChannel.open(file, READ);
          stress.loop(
              "reader" + r,
              () -> {
                long records = reading.size() / Records.SIZE;
                long first = random.nextInt((int) records + 3);
                ByteBuffer dst = ByteBuffer.allocate((1 + random.nextInt(90)) * Records.SIZE);
                int n = reading.read(dst, first * Records.SIZE);
                if (n != -1) {
                  assertEquals(0, n % Records.SIZE, n + " bytes read at record " + first);
                  check(Arrays.copyOf(dst.array(), n), "a read at record " + first);
                }
                return true;
              });
        }
        stress.loop(
            "sizes",
            () -> {
              long size = Files.size(file);
              assertEquals(0, size % Records.SIZE, "Files.size " + size + " cuts a record");
              long channel = cutting.size();
              assertEquals(0, channel % Records.SIZE, "size " + channel + " cuts a record");
              return true;
            });
        stress.locker(FileChannel.open(file, WRITE)).forcer(cutting);
        stress.runFor(1_000);
        last = Files.readAllBytes(file);
        check(last, "at the end, seed " + seed);
      }
      try (FileSystem fs = roots.reopen()) {
        assertArrayEquals(last, Files.readAllBytes(fs.getPath("/log")), "seed " + seed);
      }
    }
  }

  /** Whole records, each writer's in the order it wrote them. */
  private static void check(byte[] bytes, String what) {
    assertEquals(0, bytes.length % Records.SIZE, what + ": " + bytes.length + " bytes");
    int[] next = new int[2];
    for (int at = 0; at < bytes.length; at += Records.SIZE) {
      Records.Found found = Records.read(bytes, at, APPENDED);
      assertNotNull(found, what + ": a hole at " + at);
      assertTrue(
          found.seq() >= next[found.writer()],
          what + ": writer " + found.writer() + "'s record " + found.seq() + " at " + at);
      next[found.writer()] = found.seq() + 1;
    }
  }
}
