package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Threads that each own a region of one file, on the real disk. Two own fixed regions in the
 * middle, whose edges share blocks with each other and with the third's, and the third owns
 * everything from the end of the second onwards: it appends, writes past the end (a hole),
 * truncates (never below its own start, which lies inside a block the second writes), and is the
 * only thread that changes the size. A fourth thread forces in a loop and a fifth reads anywhere.
 *
 * <p>Since no two threads write the same byte, every owner knows exactly what its region must hold
 * after each of its own operations, however the others interleave: each reads its region back after
 * each write and must find its own bytes, and the tail's owner must find the size it made. The
 * whole file is checked at the end and after reopening. Blocks shared between owners are rewritten
 * by one thread while another reads, merges or cuts them, which is where a lost update, a torn
 * merge or a stale tail record would show. The seed fixes each thread's operations, not how they
 * interleave.
 */
class OwnedRegionsTest {
  private static final int OPERATIONS = Soak.enabled() ? 20_000 : 1_500;

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "AES-256-GCM, 4096, write-through",
    "AES-256-GCM, 4096, buffered",
    "CHACHA20-POLY1305, 16384, write-through",
  })
  void ownersAlwaysReadTheirOwnBytes(
      String algorithm, int blockSize, String mode, @TempDir Path tmp) throws Exception {
    int region = 3 * blockSize + 1_234;
    InMemoryKeys keys = new InMemoryKeys("master");
    Map<String, Object> env = TestRoots.env(keys, algorithm, blockSize);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    long seed = Soak.seed(algorithm.hashCode() + blockSize + mode.hashCode());
    byte[][] regions = new byte[2][region];
    Tail tail = new Tail(2L * region);
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env);
          FileChannel shared = FileChannel.open(fs.getPath("/f"), CREATE_NEW, READ, WRITE)) {
        Path file = fs.getPath("/f");
        shared.write(ByteBuffer.allocate(2 * region + blockSize / 2));
        tail.bytes = new byte[blockSize / 2];
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<?>> owners = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          int index = r;
          long start = (long) r * region;
          owners.add(
              pool.submit(
                  () -> {
                    ownRegion(shared, start, regions[index], new Random(seed + index), blockSize);
                    return null;
                  }));
        }
        owners.add(
            pool.submit(
                () -> {
                  try (FileChannel own = FileChannel.open(file, READ, WRITE)) {
                    ownTail(own, tail, new Random(seed + 2), blockSize);
                  }
                  return null;
                }));
        List<Future<?>> others = new ArrayList<>();
        others.add(
            pool.submit(
                () -> {
                  try (FileChannel forcing = FileChannel.open(file, WRITE)) {
                    Random random = new Random(seed + 3);
                    while (running.get()) {
                      forcing.force(random.nextBoolean());
                    }
                  }
                  return null;
                }));
        others.add(
            pool.submit(
                () -> {
                  try (FileChannel reading = FileChannel.open(file, READ)) {
                    readAnywhere(reading, running, new Random(seed + 4), 2L * region);
                  }
                  return null;
                }));
        try {
          for (Future<?> f : owners) {
            f.get(300, TimeUnit.SECONDS);
          }
        } finally {
          running.set(false);
        }
        for (Future<?> f : others) {
          f.get(60, TimeUnit.SECONDS);
        }
        shared.force(true);
        assertArrayEquals(
            whole(regions, tail), Files.readAllBytes(file), "seed " + seed + ": the whole file");
      }
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env)) {
        assertArrayEquals(
            whole(regions, tail),
            Files.readAllBytes(fs.getPath("/f")),
            "seed " + seed + ": after reopening");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Random overwrites of a fixed region, each read back whole and in part. */
  private static void ownRegion(
      FileChannel ch, long start, byte[] model, Random random, int blockSize) throws IOException {
    for (int i = 0; i < OPERATIONS; i++) {
      int length = 1 + random.nextInt(Math.min(model.length, 2 * blockSize));
      int at = random.nextInt(model.length - length + 1);
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      writeFully(ch, bytes, start + at);
      System.arraycopy(bytes, 0, model, at, length);
      int from = random.nextInt(model.length);
      int to = from + 1 + random.nextInt(model.length - from);
      assertArrayEquals(
          Arrays.copyOfRange(model, from, to),
          readFully(ch, start + from, to - from),
          "region at " + start + ", bytes " + from + " to " + to + ", after operation " + i);
    }
    assertArrayEquals(model, readFully(ch, start, model.length), "region at " + start);
  }

  /** The file from {@code start} on: appends, writes past the end, truncates, read back. */
  private static void ownTail(FileChannel ch, Tail tail, Random random, int blockSize)
      throws IOException {
    for (int i = 0; i < OPERATIONS; i++) {
      int kind = random.nextInt(10);
      if (kind < 4) {
        byte[] bytes = new byte[1 + random.nextInt(blockSize)];
        random.nextBytes(bytes);
        writeFully(ch, bytes, tail.start + tail.bytes.length);
        tail.put(tail.bytes.length, bytes);
      } else if (kind < 7) {
        int at = random.nextInt(tail.bytes.length + blockSize);
        byte[] bytes = new byte[1 + random.nextInt(2 * blockSize)];
        random.nextBytes(bytes);
        writeFully(ch, bytes, tail.start + at);
        tail.put(at, bytes);
      } else if (kind < 9) {
        // Mostly small cuts, sometimes back into the block the second region's owner writes.
        int to =
            random.nextBoolean()
                ? random.nextInt(Math.min(tail.bytes.length, blockSize) + 1)
                : Math.max(0, tail.bytes.length - random.nextInt(2 * blockSize));
        ch.truncate(tail.start + to);
        tail.bytes = Arrays.copyOf(tail.bytes, to);
      } else {
        ch.force(false);
      }
      assertEquals(tail.start + tail.bytes.length, ch.size(), "size after operation " + i);
      int from = random.nextInt(tail.bytes.length + 1);
      assertArrayEquals(
          Arrays.copyOfRange(tail.bytes, from, tail.bytes.length),
          readFully(ch, tail.start + from, tail.bytes.length - from),
          "tail from " + from + " after operation " + i);
    }
  }

  /** Reads of any range, whose bytes nobody can predict but which must never fail. */
  private static void readAnywhere(FileChannel ch, AtomicBoolean running, Random random, long min)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    while (running.get()) {
      buffer.clear().limit(1 + random.nextInt(buffer.capacity()));
      long at = (long) (random.nextDouble() * (min + 16 * 1024));
      int read = ch.read(buffer, at);
      assertTrue(read == -1 || read > 0 || buffer.limit() == 0, "read " + read + " at " + at);
      if (at + buffer.limit() <= min) {
        assertEquals(buffer.limit(), read, "a read below the tail's start is always whole");
      }
    }
  }

  private static void writeFully(FileChannel ch, byte[] bytes, long at) throws IOException {
    ByteBuffer src = ByteBuffer.wrap(bytes);
    while (src.hasRemaining()) {
      ch.write(src, at + src.position());
    }
  }

  private static byte[] readFully(FileChannel ch, long at, int length) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(length);
    while (dst.hasRemaining()) {
      int read = ch.read(dst, at + dst.position());
      assertTrue(read > 0, "read " + read + " at " + (at + dst.position()) + " of " + length);
    }
    return dst.array();
  }

  private static byte[] whole(byte[][] regions, Tail tail) {
    int region = regions[0].length;
    byte[] all = new byte[2 * region + tail.bytes.length];
    System.arraycopy(regions[0], 0, all, 0, region);
    System.arraycopy(regions[1], 0, all, region, region);
    System.arraycopy(tail.bytes, 0, all, 2 * region, tail.bytes.length);
    return all;
  }

  /** What the tail's owner wrote: the bytes from {@code start} to the end of the file. */
  private static final class Tail {
    final long start;
    byte[] bytes = new byte[0];

    Tail(long start) {
      this.start = start;
    }

    void put(int at, byte[] data) {
      if (at + data.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, at + data.length);
      }
      System.arraycopy(data, 0, bytes, at, data.length);
    }
  }
}
