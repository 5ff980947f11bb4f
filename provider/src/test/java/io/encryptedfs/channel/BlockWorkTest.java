package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Large reads and writes whose cipher work is split over threads ({@link BlockWork}): the shares
 * cover every block once, the result is the serial one byte for byte, and a bad block is reported
 * as the first bad block, wherever the shares were cut.
 */
class BlockWorkTest {
  private static final int BLOCK = 4096;
  /** Enough blocks for every share to pass the default hand-off threshold several times over. */
  private static final int BLOCKS = 6 * BlockWork.minBlocksPerShare(BLOCK) + 7;

  @Test
  void sharesCoverEveryBlockOnce() throws IOException {
    AtomicIntegerArray seen = new AtomicIntegerArray(BLOCKS);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    BlockWork.run(
        BLOCKS,
        BLOCK,
        new BlockWork.Cost(),
        (from, to) -> {
          threads.add(Thread.currentThread().getName());
          for (int i = from; i <= to; i++) {
            seen.incrementAndGet(i);
          }
        });
    for (int i = 0; i < BLOCKS; i++) {
      assertEquals(1, seen.get(i), "block " + i);
    }
    if (Runtime.getRuntime().availableProcessors() > 1) {
      assertTrue(threads.size() > 1, "a long run is shared between threads: " + threads);
    }
  }

  @Test
  void shortRunStaysOnTheCaller() throws IOException {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    BlockWork.run(
        BlockWork.minBlocksPerShare(BLOCK) - 1,
        BLOCK,
        new BlockWork.Cost(),
        (from, to) -> threads.add(Thread.currentThread().getName()));
    assertEquals(Set.of(Thread.currentThread().getName()), threads);
  }

  @Test
  void theLowestFailingShareIsReportedAfterAllShareEnd() {
    IOException[] thrown = new IOException[BLOCKS];
    AtomicIntegerArray done = new AtomicIntegerArray(BLOCKS);
    IOException reported =
        assertThrows(
            IOException.class,
            () ->
                BlockWork.run(
                    BLOCKS,
                    BLOCK,
                    new BlockWork.Cost(),
                    (from, to) -> {
                      for (int i = from; i <= to; i++) {
                        done.incrementAndGet(i);
                      }
                      if (to == BLOCKS - 1 || from == 0) {
                        thrown[from] = new IOException("share at " + from);
                        throw thrown[from];
                      }
                    }));
    assertSame(thrown[0], reported, "the share that starts at block 0 failed first in order");
    for (int i = 0; i < BLOCKS; i++) {
      assertEquals(1, done.get(i), "every share ran to its end before the report, block " + i);
    }
  }

  @Test
  void anInterruptedCallerStillWaitsForItsShares() throws IOException {
    AtomicIntegerArray done = new AtomicIntegerArray(BLOCKS);
    Thread.currentThread().interrupt();
    try {
      BlockWork.run(
          BLOCKS,
          BLOCK,
          new BlockWork.Cost(),
          (from, to) -> {
            for (int i = from; i <= to; i++) {
              done.incrementAndGet(i);
            }
          });
      assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    } finally {
      Thread.interrupted();
    }
    for (int i = 0; i < BLOCKS; i++) {
      assertEquals(1, done.get(i));
    }
  }

  @Test
  void cheapWorkStaysOnOneThreadOnceItsCostIsKnown() {
    int helpers = Runtime.getRuntime().availableProcessors() - 1;
    int min = BlockWork.minBlocksPerShare(BLOCK);
    int count = 8 * min;
    int byFloor = Math.min(helpers + 1, count / min);
    assertEquals(Math.max(1, byFloor), BlockWork.shares(count, BLOCK, 0), "cost not known yet");
    boolean testsForceSharing = Integer.getInteger(BlockWork.MIN_SHARE_PROPERTY) != null;
    // 100 ns a block: the whole run is far below one hand-off's worth of work.
    long cheap = BlockWork.MIN_SHARE_NANOS / count;
    assertEquals(
        testsForceSharing ? Math.max(1, byFloor) : 1,
        BlockWork.shares(count, BLOCK, cheap),
        "cheap work is shared only when a test lowers the threshold");
    // 20 µs a block (ChaCha20 on JDK 17 is about 14 µs per 4 KiB): worth every helper.
    assertEquals(Math.max(1, byFloor), BlockWork.shares(count, BLOCK, 20_000));
  }

  @Test
  void costIsAMovingAverageOfTimedRuns() {
    BlockWork.Cost cost = new BlockWork.Cost();
    assertEquals(0, cost.nanosPerBlock());
    cost.record(1_000_000, 100);
    assertEquals(10_000, cost.nanosPerBlock());
    cost.record(2_000_000, 100);
    assertEquals(12_500, cost.nanosPerBlock());
    cost.record(0, 100);
    cost.record(5, 0);
    assertEquals(12_500, cost.nanosPerBlock(), "empty samples are ignored");
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

  @Test
  void aLargeReadReportsTheFirstDamagedBlock() throws Exception {
    byte[] data = new byte[BLOCKS * BLOCK];
    new Random(12).nextBytes(data);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = jimfs.getPath("/d");
      InMemoryKeys keys = new InMemoryKeys("master");
      Path raw;
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
        Files.write(fs.getPath("/big"), data);
        raw = dir.resolve("big");
      }
      Geometry g = Geometry.ofBlockSize(BLOCK);
      long early = BLOCKS / 2 + 3;
      long late = BLOCKS - 2;
      flipByte(raw, g.homeOffset(late) + 100);
      flipByte(raw, g.homeOffset(early) + 100);
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK);
          FileChannel ch = FileChannel.open(fs.getPath("/big"), StandardOpenOption.READ)) {
        ByteBuffer dst = ByteBuffer.allocate(data.length);
        DamagedFileException e = assertThrows(DamagedFileException.class, () -> ch.read(dst, 0));
        assertEquals(early, e.block());
        byte[] got = dst.array();
        for (int i = (int) g.blockStart(early); i < g.blockStart(early + 1); i++) {
          assertEquals(0, got[i], "no byte of the damaged block reaches the caller, at " + i);
        }
        assertEquals(0, dst.position(), "a failed read consumes nothing");
      }
    }
  }

  private static void flipByte(Path raw, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x40));
      b.rewind();
      ch.write(b, offset);
    }
  }
}
