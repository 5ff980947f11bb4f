package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large reads and writes whose cipher work is split over threads ({@link BlockWork}): every block
 * runs once, the result is the serial one byte for byte, a bad block is reported as the first bad
 * block whichever thread opened it, and a busy helper never holds up another caller.
 */
class BlockWorkTest {
  private static final int BLOCK = 4096;

  /** About 1.5 MiB: far above the size at which a run is shared. */
  private static final int BLOCKS = 391;

  private static boolean onHelper() {
    return Thread.currentThread().getName().startsWith("encryptedfs-crypto-");
  }

  @Test
  void everyBlockRunsOnceAndALongRunIsShared() throws IOException {
    int count = 40;
    AtomicIntegerArray seen = new AtomicIntegerArray(count);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    BlockWork.run(
        count,
        (i, w) -> {
          threads.add(Thread.currentThread().getName());
          seen.incrementAndGet(i);
          // Long enough for a parked helper to wake and claim blocks of its own.
          sleep(1);
        });
    for (int i = 0; i < count; i++) {
      assertEquals(1, seen.get(i), "block " + i);
    }
    if (Runtime.getRuntime().availableProcessors() > 1) {
      assertTrue(threads.size() > 1, "a long run is shared between threads: " + threads);
    }
  }

  @Test
  void aSingleBlockIsNeverShared() {
    assertFalse(BlockWork.worthSharing(1, BLOCK));
    assertFalse(BlockWork.worthSharing(1, 1 << 20));
    if (Integer.getInteger(BlockWork.MIN_RUN_PROPERTY) == null) {
      assertFalse(BlockWork.worthSharing(15, BLOCK), "below 64 KiB a run stays on the caller");
      assertEquals(
          Runtime.getRuntime().availableProcessors() > 1, BlockWork.worthSharing(16, BLOCK));
    }
  }

  @Test
  void theLowestFailingBlockIsReportedAfterEveryBlockEnds() {
    IOException[] thrown = new IOException[BLOCKS];
    int[] worker = new int[BLOCKS];
    AtomicIntegerArray done = new AtomicIntegerArray(BLOCKS);
    IOException reported =
        assertThrows(
            IOException.class,
            () ->
                BlockWork.run(
                    BLOCKS,
                    (i, w) -> {
                      done.incrementAndGet(i);
                      if (i == BLOCKS - 1 || i == 7) {
                        worker[i] = w;
                        thrown[i] = new IOException("block " + i);
                        throw thrown[i];
                      }
                    }));
    assertSame(thrown[7], reported, "block 7 is the first failing block in order");
    // A helper's failure carries the caller's stack too (Failures.rethrown); the caller's own not.
    assertEquals(worker[7] == 0 ? 0 : 1, reported.getSuppressed().length);
    for (int i = 0; i < BLOCKS; i++) {
      assertEquals(1, done.get(i), "every block ran before the report, block " + i);
    }
  }

  @Test
  void aRuntimeFailureOnAHelperReachesTheCaller() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                BlockWork.run(
                    40,
                    (i, w) -> {
                      sleep(1);
                      if (i >= 20) {
                        throw new IllegalStateException("block " + i);
                      }
                    }));
    assertEquals("block 20", e.getMessage());
  }

  @Test
  void anInterruptedCallerStillWaitsForItsShares() throws IOException {
    AtomicIntegerArray done = new AtomicIntegerArray(BLOCKS);
    Thread.currentThread().interrupt();
    try {
      BlockWork.run(BLOCKS, (i, w) -> done.incrementAndGet(i));
      assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    } finally {
      Thread.interrupted();
    }
    for (int i = 0; i < BLOCKS; i++) {
      assertEquals(1, done.get(i));
    }
  }

  /**
   * A helper held up inside another caller's block must not hold up this caller: it claims every
   * block the helper has not started and returns.
   */
  @Test
  void aBusyHelperNeverHoldsUpAnotherRun() throws Exception {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      BlockWork.run(BLOCKS, (i, w) -> {});
      return;
    }
    CountDownLatch helperInside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<?> first =
          other.submit(
              () -> {
                BlockWork.run(
                    400,
                    (i, w) -> {
                      if (onHelper()) {
                        helperInside.countDown();
                        await(release);
                      } else {
                        sleep(1);
                      }
                    });
                return null;
              });
      assertTrue(helperInside.await(30, TimeUnit.SECONDS), "a helper joined the first run");
      AtomicIntegerArray done = new AtomicIntegerArray(BLOCKS);
      Set<String> threads = ConcurrentHashMap.newKeySet();
      BlockWork.run(
          BLOCKS,
          (i, w) -> {
            threads.add(Thread.currentThread().getName());
            done.incrementAndGet(i);
          });
      for (int i = 0; i < BLOCKS; i++) {
        assertEquals(1, done.get(i), "block " + i);
      }
      assertEquals(Set.of(Thread.currentThread().getName()), threads);
      assertFalse(first.isDone(), "the first run still waits for its helper's block");
      release.countDown();
      first.get(30, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      other.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void largeWriteAndReadMatchTheBytesWritten(String algorithm) throws Exception {
    byte[] data = new byte[BLOCKS * BLOCK + 1234];
    new Random(11).nextBytes(data);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), algorithm, BLOCK)) {
      Path f = fs.getPath("/big");
      try (FileChannel ch =
          FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        // A head and a tail that are not whole blocks, around a long run of whole ones.
        ch.write(ByteBuffer.wrap(data, 0, 100));
        ch.write(ByteBuffer.wrap(data, 100, data.length - 200));
        ch.write(ByteBuffer.wrap(data, data.length - 100, 100));
        // Rewrite the middle from a direct buffer, starting inside a block.
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length - 3 * BLOCK);
        direct.put(data, 1500, direct.capacity()).flip();
        ch.write(direct, 1500);
      }
      assertArrayEquals(data, Files.readAllBytes(f));
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length - 777);
        assertEquals(direct.capacity(), ch.read(direct, 777));
        byte[] back = new byte[direct.capacity()];
        direct.flip().get(back);
        byte[] expected = new byte[back.length];
        System.arraycopy(data, 777, expected, 0, expected.length);
        assertArrayEquals(expected, back);
      }
    }
  }
}
