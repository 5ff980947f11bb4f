package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers, readers and a thread that forces in a loop, on one file on the real disk (whose
 * {@code fsync} takes long enough for records to be written while it runs, so writers also wait
 * for free tail slots). A force begins and ends under the file's read lock and wakes waiting
 * writers under its write lock; nothing may deadlock, no read may fail authentication, and the
 * file must end up holding exactly what the writers wrote, before and after reopening.
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
}
