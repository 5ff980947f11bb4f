package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writers, readers and a thread that forces in a loop, on one file on the real disk (whose {@code
 * fsync} takes long enough for records to be written while it runs, so writers also wait for free
 * tail slots). A force begins and ends under the file's read lock and wakes waiting writers under
 * its write lock; nothing may deadlock, no read may fail authentication, and the file must end up
 * holding exactly what the writers wrote, before and after reopening.
 */
class ForceConcurrencyTest {
  private static final int BLOCK = 4096;
  private static final int PAGES = 64;

  @Test
  void writersReadersAndForcesTogether(@TempDir Path tmp) throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    byte[] expected = new byte[PAGES * BLOCK];
    byte[] whole;
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", BLOCK);
          FileChannel ch = FileChannel.open(fs.getPath("/pages"), CREATE_NEW, READ, WRITE)) {
        ch.write(ByteBuffer.wrap(expected));
        AtomicBoolean writing = new AtomicBoolean(true);
        // One writer overwrites pages inside the file (home blocks only), the other appends small
        // records, each a new tail record: records written while a force runs fill the slots.
        ByteArrayOutputStream appended = new ByteArrayOutputStream();
        List<Future<?>> writers = new ArrayList<>();
        writers.add(
            pool.submit(
                () -> {
                  Random random = new Random(100);
                  for (int i = 0; i < 400; i++) {
                    byte[] bytes = new byte[1 + random.nextInt(2 * BLOCK)];
                    random.nextBytes(bytes);
                    int at = random.nextInt(expected.length - bytes.length);
                    ch.write(ByteBuffer.wrap(bytes), at);
                    System.arraycopy(bytes, 0, expected, at, bytes.length);
                  }
                  return null;
                }));
        writers.add(
            pool.submit(
                () -> {
                  Random random = new Random(101);
                  long end = expected.length;
                  for (int i = 0; i < 2_000; i++) {
                    byte[] bytes = new byte[1 + random.nextInt(300)];
                    random.nextBytes(bytes);
                    ch.write(ByteBuffer.wrap(bytes), end);
                    end += bytes.length;
                    appended.write(bytes);
                  }
                  return null;
                }));
        List<Future<?>> others = new ArrayList<>();
        others.add(
            pool.submit(
                () -> {
                  while (writing.get()) {
                    ch.force(false);
                  }
                  return null;
                }));
        for (int r = 0; r < 2; r++) {
          long seed = 200 + r;
          others.add(
              pool.submit(
                  () -> {
                    Random random = new Random(seed);
                    ByteBuffer page = ByteBuffer.allocate(BLOCK);
                    while (writing.get()) {
                      page.clear();
                      ch.read(page, (long) random.nextInt(expected.length / BLOCK) * BLOCK);
                      assertEquals(BLOCK, page.position(), "a whole page is read");
                    }
                    return null;
                  }));
        }
        try {
          for (Future<?> f : writers) {
            f.get(120, TimeUnit.SECONDS);
          }
        } finally {
          writing.set(false);
        }
        for (Future<?> f : others) {
          f.get(60, TimeUnit.SECONDS);
        }
        ch.force(true);
        whole = new byte[expected.length + appended.size()];
        System.arraycopy(expected, 0, whole, 0, expected.length);
        System.arraycopy(appended.toByteArray(), 0, whole, expected.length, appended.size());
        assertArrayEquals(whole, Files.readAllBytes(fs.getPath("/pages")));
      }
      try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", BLOCK)) {
        assertArrayEquals(whole, Files.readAllBytes(fs.getPath("/pages")), "after reopening");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Two threads append through two channels (so nothing above the file orders them) while a third
   * forces in a loop: a writer that finds every tail slot protected waits for the force, and the
   * other must not run on its half-made write meanwhile. It did: the second writer's record reused
   * the first one's tail buffer and end, and up to 40 % of the returned appends were lost. Every
   * record must be there, whole, each writer's in its own order. In write-through mode, and in
   * buffered mode, whose records also wait when a force or a close writes them.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"write-through", "buffered"})
  void twoAppendersOnTwoChannelsWhileForcing(String mode, @TempDir Path tmp) throws Exception {
    int perWriter = 3_000;
    int recordSize = 100;
    InMemoryKeys keys = new InMemoryKeys("master");
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env)) {
      Path log = fs.getPath("/log");
      Files.write(log, new byte[0]);
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        byte id = (byte) ('A' + w);
        writers.add(
            pool.submit(
                () -> {
                  try (FileChannel ch = FileChannel.open(log, WRITE, APPEND)) {
                    for (int i = 0; i < perWriter; i++) {
                      byte[] record = new byte[recordSize];
                      Arrays.fill(record, id);
                      ByteBuffer.wrap(record).putInt(1, i);
                      ch.write(ByteBuffer.wrap(record));
                    }
                  }
                  return null;
                }));
      }
      Future<?> forcer =
          pool.submit(
              () -> {
                try (FileChannel ch = FileChannel.open(log, WRITE)) {
                  while (writing.get()) {
                    ch.force(false);
                  }
                }
                return null;
              });
      try {
        for (Future<?> f : writers) {
          f.get(300, TimeUnit.SECONDS);
        }
      } finally {
        writing.set(false);
      }
      forcer.get(60, TimeUnit.SECONDS);
      byte[] all = Files.readAllBytes(log);
      assertEquals(2 * perWriter * recordSize, all.length, "bytes in the log");
      int[] next = new int[2];
      for (int at = 0; at < all.length; at += recordSize) {
        byte id = all[at];
        assertTrue(id == 'A' || id == 'B', "record at " + at + " starts with " + id);
        assertEquals(next[id - 'A']++, ByteBuffer.wrap(all, at + 1, 4).getInt(), "at " + at);
        for (int k = 5; k < recordSize; k++) {
          assertEquals(id, all[at + k], "byte " + (at + k));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
