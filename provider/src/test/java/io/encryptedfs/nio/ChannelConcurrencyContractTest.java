package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FileChannel contract of an encrypted file under concurrent use, on Jimfs and on the real disk:
 * appends from several channels land whole, and positional reads during writes see whole words.
 */
class ChannelConcurrencyContractTest {
  private static final int B = ContractRoot.BLOCK;

  private ContractRoot root;
  private FileSystem fs;

  private void setUp(String kind) throws IOException {
    root = ContractRoot.open(kind);
    fs = root.fs();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (root != null) {
      root.close();
    }
  }

  /**
   * Four threads append 500 self-describing records each (length, id, CRC, payload) through their
   * own APPEND channel: every record must land exactly once and intact, never interleaved.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jimfs", "disk"})
  void concurrentAppendsLandWholeAndOnce(String kind) throws Exception {
    setUp(kind);
    Path f = fs.getPath("/log.bin");
    Files.write(f, new byte[0]);
    int threads = 4;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                long bytes = 0;
                Random r = new Random(thread);
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    ByteBuffer rec = record(thread * perThread + i, r.nextInt(2 * B), r);
                    bytes += rec.remaining();
                    // Alternate plain and gathering writes: both must append atomically.
                    if (i % 2 == 0) {
                      assertEquals(rec.remaining(), ch.write(rec));
                    } else {
                      ByteBuffer head = rec.duplicate().limit(12);
                      ByteBuffer body = rec.duplicate().position(12);
                      ch.write(new ByteBuffer[] {head, body});
                    }
                  }
                }
                return bytes;
              }));
    }
    start.countDown();
    long expected = 0;
    for (Future<Long> r : results) {
      expected += r.get();
    }
    pool.shutdown();
    assertEquals(expected, Files.size(f));
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(f));
    boolean[] seen = new boolean[threads * perThread];
    while (all.hasRemaining()) {
      int len = all.getInt();
      int id = all.getInt();
      int crc = all.getInt();
      byte[] payload = new byte[len];
      all.get(payload);
      CRC32 c = new CRC32();
      c.update(payload);
      assertEquals(crc, (int) c.getValue(), "record " + id + " is intact");
      assertFalse(seen[id], "record " + id + " appears once");
      seen[id] = true;
    }
    for (int id = 0; id < seen.length; id++) {
      assertTrue(seen[id], "record " + id + " present");
    }
  }

  private static ByteBuffer record(int id, int len, Random r) {
    byte[] payload = new byte[len];
    r.nextBytes(payload);
    CRC32 c = new CRC32();
    c.update(payload);
    ByteBuffer b = ByteBuffer.allocate(12 + len);
    b.putInt(len).putInt(id).putInt((int) c.getValue()).put(payload).flip();
    return b;
  }

  /**
   * Two threads read at random positions while a third rewrites whole regions: every read must see
   * one consistent generation of each 4-byte word (each write fills a region with one value), never
   * a torn or damaged block.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jimfs", "disk"})
  void concurrentPositionalReadsDuringWrites(String kind) throws Exception {
    setUp(kind);
    Path f = fs.getPath("/rw.bin");
    int size = 8 * B + 100;
    ByteBuffer init = ByteBuffer.allocate(size);
    while (init.remaining() >= 4) {
      init.putInt(0);
    }
    init.clear();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (FileChannel ch =
        FileChannel.open(
            f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(init);
      Future<?> writer =
          pool.submit(
              () -> {
                Random r = new Random(3);
                for (int gen = 1; gen <= 300; gen++) {
                  int words = 1 + r.nextInt(2 * B / 4);
                  int at = 4 * r.nextInt((size - 4 * words) / 4 + 1);
                  ByteBuffer b = ByteBuffer.allocate(4 * words);
                  while (b.hasRemaining()) {
                    b.putInt(gen);
                  }
                  b.flip();
                  ch.write(b, at);
                }
                stop.set(true);
                return null;
              });
      List<Future<?>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int seed = 10 + t;
        readers.add(
            pool.submit(
                () -> {
                  Random r = new Random(seed);
                  while (!stop.get()) {
                    int at = 4 * r.nextInt(size / 4);
                    ByteBuffer b = ByteBuffer.allocate(1 + r.nextInt(3 * B));
                    int n = ch.read(b, at);
                    assertEquals(Math.min(b.capacity(), size - at), n);
                    b.flip();
                    while (b.remaining() >= 4) {
                      int v = b.getInt();
                      assertTrue(v >= 0 && v <= 300, "word is some generation: " + v);
                    }
                  }
                  return null;
                }));
      }
      writer.get();
      for (Future<?> r : readers) {
        r.get();
      }
      assertEquals(size, ch.size());
    } finally {
      pool.shutdown();
    }
  }
}
