package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads take and give back overlapping and adjacent ranges of one file through channels of their
 * own, the last byte's among them: no two ever hold a byte at once, each range is granted at least
 * once, and once all are given back every range is free. In one program the JDK refuses any overlap
 * ({@code OverlappingFileLockException}), whether the locks are shared or not, and so does an
 * encrypted channel for the last byte, which the JDK's table cannot see one byte up.
 */
class LockOverlapStressTest {
  private static final long LAST = Long.MAX_VALUE - 1;

  /** The bytes told apart: [0, 5), [5, 10), [10, 15), [15, 20), the last but one, the last. */
  private static final int CELLS = 6;

  /** The ranges tried, as position, size, and the cells each covers (a bit each). */
  private static final long[][] RANGES = {
    {0, 10, 0b000011},
    {10, 10, 0b001100},
    {5, 10, 0b000110},
    {LAST, 1, 0b100000},
    {LAST - 1, 2, 0b110000},
    {LAST - 1, 1, 0b010000},
    {0, Long.MAX_VALUE, 0b111111},
    {15, LAST - 15, 0b011000},
  };

  private static final int THREADS = 4;
  private static final int ROUNDS = 1_500;

  @Test
  void noTwoThreadsEverHoldAByteAtOnce(@TempDir Path tmp) throws Exception {
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path f = fs.getPath("/f");
      try (FileChannel c = FileChannel.open(f, CREATE, WRITE)) {
        c.write(ByteBuffer.wrap(new byte[100]));
      }
      AtomicIntegerArray holders = new AtomicIntegerArray(CELLS);
      AtomicIntegerArray granted = new AtomicIntegerArray(RANGES.length);
      AtomicInteger refused = new AtomicInteger();
      CyclicBarrier start = new CyclicBarrier(THREADS);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          long seed = t;
          runs.add(
              pool.submit(
                  () -> {
                    start.await(30, TimeUnit.SECONDS);
                    run(f, new Random(seed), holders, granted, refused);
                    return null;
                  }));
        }
        for (Future<?> run : runs) {
          run.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(refused.get() > 0, "the threads met");
      for (int r = 0; r < RANGES.length; r++) {
        assertTrue(granted.get(r) > 0, "range " + r + " was granted at least once");
      }
      try (FileChannel c = FileChannel.open(f, READ, WRITE)) {
        for (long[] range : RANGES) {
          FileLock lock = c.tryLock(range[0], range[1], false);
          assertNotNull(lock, "free once all were given back: " + range[0] + " + " + range[1]);
          lock.release();
        }
      }
    }
  }

  private static void run(
      Path f,
      Random random,
      AtomicIntegerArray holders,
      AtomicIntegerArray granted,
      AtomicInteger refused)
      throws IOException {
    try (FileChannel a = FileChannel.open(f, READ, WRITE);
        FileChannel b = FileChannel.open(f, READ, WRITE)) {
      for (int round = 0; round < ROUNDS; round++) {
        int r = random.nextInt(RANGES.length);
        long[] range = RANGES[r];
        FileChannel c = random.nextBoolean() ? a : b;
        boolean shared = random.nextBoolean();
        FileLock lock;
        try {
          lock =
              random.nextBoolean()
                  ? c.tryLock(range[0], range[1], shared)
                  : c.lock(range[0], range[1], shared);
        } catch (OverlappingFileLockException e) {
          refused.incrementAndGet();
          continue;
        }
        assertNotNull(lock, "no other program holds it");
        granted.incrementAndGet(r);
        for (int cell = 0; cell < CELLS; cell++) {
          if ((range[2] & (1L << cell)) != 0) {
            assertEquals(1, holders.incrementAndGet(cell), "cell " + cell + " held once");
          }
        }
        Thread.yield();
        for (int cell = 0; cell < CELLS; cell++) {
          if ((range[2] & (1L << cell)) != 0) {
            holders.decrementAndGet(cell);
          }
        }
        lock.release();
      }
    }
  }
}
