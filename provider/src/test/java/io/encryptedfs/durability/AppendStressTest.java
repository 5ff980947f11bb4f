package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
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
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Appenders through several channels opened with {@code APPEND} (one of them also read for the
 * size, one a channel opened, appended through once and closed again in a loop), while readers scan
 * the file, the size is read three ways and a thread forces. Each append is one {@link Records
 * record} (some as a gathering write of two buffers) that names its writer and its number.
 *
 * <p>An append lands whole at the end, so whatever the interleaving the file is, at every moment, a
 * sequence of whole records in which each writer's come in the order it wrote them, with none
 * missing before its newest; the size only grows, by whole records, and never past the appends
 * begun. At the end, and after reopening, every returned append is there exactly once.
 */
class AppendStressTest {
  private static final long APPENDED = -1; // the slot every appended record names
  private static final int WRITERS = 4;
  private static final int APPENDS = 5_000;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @CsvSource({
    "disk, write-through, 11",
    "disk, buffered, 12",
    "jimfs, write-through, 13",
    "jimfs, buffered, 14",
  })
  void appendsLandWholeAndInOrder(String where, String mode, long salt) throws Exception {
    long seed = Soak.seed(salt);
    AtomicIntegerArray returned = new AtomicIntegerArray(WRITERS);
    AtomicLong begun = new AtomicLong();
    try (StressRoots roots = new StressRoots(where, tmp, mode)) {
      try (FileSystem fs = roots.reopen();
          FileChannel shared = FileChannel.open(fs.getPath("/log"), CREATE_NEW, WRITE, APPEND)) {
        Path file = fs.getPath("/log");
        Stress stress = new Stress(seed);
        for (int w = 0; w < WRITERS - 1; w++) {
          int writer = w;
          Random random = new Random(seed + w);
          FileChannel ch = w == 0 ? shared : FileChannel.open(file, WRITE, APPEND);
          stress.loop(
              "appender" + w,
              () -> {
                int seq = returned.get(writer);
                begun.incrementAndGet();
                append(ch, Records.of(APPENDED, writer, seq), random);
                returned.set(writer, seq + 1);
                return seq + 1 < APPENDS; // a file that stays a few scans long
              });
        }
        Random openRandom = new Random(seed + WRITERS);
        stress.loop(
            "opener",
            () -> {
              try (FileChannel ch = FileChannel.open(file, WRITE, APPEND)) {
                int seq = returned.get(WRITERS - 1);
                begun.incrementAndGet();
                append(ch, Records.of(APPENDED, WRITERS - 1, seq), openRandom);
                returned.set(WRITERS - 1, seq + 1);
              }
              return returned.get(WRITERS - 1) < APPENDS / 10;
            });
        for (int r = 0; r < 2; r++) {
          FileChannel reading = FileChannel.open(file, READ);
          stress.loop(
              "reader" + r,
              () -> {
                int[] before = snapshot(returned);
                check(scan(reading), before, "a scan");
                return true;
              });
        }
        long[] sizes = new long[4];
        FileChannel appending = FileChannel.open(file, WRITE, APPEND);
        stress.loop(
            "sizes",
            () -> {
              long[] now = {
                Files.size(file),
                Files.readAttributes(file, BasicFileAttributes.class).size(),
                shared.size(),
                appending.position()
              };
              long ceiling = begun.get() * Records.SIZE;
              for (int i = 0; i < now.length; i++) {
                assertTrue(now[i] >= sizes[i], "size " + i + ": " + sizes[i] + " then " + now[i]);
                assertEquals(
                    0, now[i] % Records.SIZE, "size " + i + " " + now[i] + " cuts a record");
                assertTrue(now[i] <= ceiling, "size " + i + " " + now[i] + " past " + ceiling);
                sizes[i] = now[i];
              }
              return true;
            });
        stress.locker(FileChannel.open(file, WRITE)).forcer(appending);
        stress.runFor(1_000);
        int[] all = snapshot(returned);
        try (FileChannel reading = FileChannel.open(file, READ)) {
          int[] found = check(scan(reading), all, "at the end, seed " + seed);
          for (int w = 0; w < WRITERS; w++) {
            assertEquals(all[w], found[w], "writer " + w + "'s records at the end");
          }
        }
      }
      try (FileSystem fs = roots.reopen();
          FileChannel ch = FileChannel.open(fs.getPath("/log"), READ)) {
        int[] all = snapshot(returned);
        int[] found = check(scan(ch), all, "after reopening, seed " + seed);
        for (int w = 0; w < WRITERS; w++) {
          assertEquals(all[w], found[w], "writer " + w + "'s records after reopening");
        }
      }
    }
  }

  /** Appends {@code record}, at random as one buffer or as a gathering write of two. */
  private static void append(FileChannel ch, byte[] record, Random random) throws IOException {
    if (random.nextBoolean()) {
      ByteBuffer src = ByteBuffer.wrap(record);
      assertEquals(record.length, ch.write(src));
    } else {
      int cut = random.nextInt(record.length);
      ByteBuffer[] srcs = {
        ByteBuffer.wrap(record, 0, cut), ByteBuffer.wrap(record, cut, record.length - cut)
      };
      assertEquals(record.length, ch.write(srcs));
    }
  }

  /** The whole file as the channel reads it now, in reads of a few blocks. */
  private static byte[] scan(FileChannel ch) throws IOException {
    long size = ch.size();
    ByteBuffer dst = ByteBuffer.allocate((int) size);
    while (dst.hasRemaining()) {
      ByteBuffer part = dst.slice();
      part.limit(Math.min(part.remaining(), 3 * 4096 + 17));
      int n = ch.read(part, dst.position());
      assertTrue(n > 0, "read " + n + " at " + dst.position() + " of " + size);
      dst.position(dst.position() + n);
    }
    return dst.array();
  }

  /**
   * Checks that {@code bytes} are whole records, each writer's numbered from 0 on without a gap,
   * and at least {@code before} of each; returns how many of each it found.
   */
  private static int[] check(byte[] bytes, int[] before, String when) {
    assertEquals(0, bytes.length % Records.SIZE, when + ": " + bytes.length + " bytes");
    int[] next = new int[WRITERS];
    for (int at = 0; at < bytes.length; at += Records.SIZE) {
      Records.Found found = Records.read(bytes, at, APPENDED);
      assertNotNull(found, when + ": a hole at " + at);
      assertEquals(
          next[found.writer()], found.seq(), when + ": writer " + found.writer() + " at " + at);
      next[found.writer()]++;
    }
    for (int w = 0; w < WRITERS; w++) {
      assertTrue(next[w] >= before[w], when + ": writer " + w + " " + next[w] + " < " + before[w]);
    }
    return next;
  }

  private static int[] snapshot(AtomicIntegerArray counts) {
    int[] now = new int[counts.length()];
    for (int i = 0; i < now.length; i++) {
      now[i] = counts.get(i);
    }
    return now;
  }
}
