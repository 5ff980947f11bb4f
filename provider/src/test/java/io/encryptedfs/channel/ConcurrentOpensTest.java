package io.encryptedfs.channel;

import static io.encryptedfs.channel.RawOpens.READ_WRITE;
import static io.encryptedfs.channel.RawOpens.bytes;
import static io.encryptedfs.channel.RawOpens.create;
import static io.encryptedfs.channel.RawOpens.open;
import static io.encryptedfs.channel.RawOpens.readAll;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.OpenDescriptors;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads opening one file of an {@link OpenFiles} at once, on the real disk. */
class ConcurrentOpensTest {
  private final OpenFiles files = new OpenFiles(new InMemoryKeys("k0", "k1"), new SecureRandom());
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /**
   * Threads open, write, read and close one file through two names (its own and a symbolic link),
   * and create and delete files of their own, while another thread watches this process's file
   * descriptors: the file never has two. Linux only (/proc/self/fd), on the real disk.
   */
  @Test
  void concurrentOpensNeverOpenAFileTwice(@TempDir Path dir) throws Exception {
    Path shared = dir.resolve("shared");
    Path link = Files.createSymbolicLink(dir.resolve("link"), shared.getFileName());
    int threads = 4;
    int rounds = 150;
    create(files, shared, new byte[threads * Long.BYTES]);
    Path real = shared.toRealPath();

    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger samplesOpen = new AtomicInteger();
    Thread watcher =
        new Thread(
            () -> {
              while (!done.get()) {
                int open = OpenDescriptors.on(real);
                most.accumulateAndGet(open, Math::max);
                if (open > 0) {
                  samplesOpen.incrementAndGet();
                }
              }
            });
    watcher.start();
    List<Future<Long>> workers = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int me = t;
        workers.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(me);
                  long last = 0;
                  for (int round = 1; round <= rounds; round++) {
                    Path name = random.nextBoolean() ? shared : link;
                    try (FileChannel ch = open(files, name, READ_WRITE)) {
                      ByteBuffer mine = ByteBuffer.allocate(Long.BYTES).putLong(0, round);
                      ch.write(mine, (long) me * Long.BYTES);
                      last = round;
                      ByteBuffer back = ByteBuffer.allocate(Long.BYTES);
                      ch.read(back, (long) me * Long.BYTES);
                      assertEquals(round, back.getLong(0));
                    }
                    if (round % 10 == 0) {
                      Path own = dir.resolve("own-" + me + "-" + round);
                      byte[] content = bytes(4_096, me * 1_000 + round);
                      create(files, own, content);
                      assertArrayEquals(content, readAll(files, own));
                      files.delete(own, () -> Files.delete(own));
                    }
                  }
                  return last;
                }));
      }
      for (Future<Long> worker : workers) {
        assertEquals(rounds, worker.get(120, SECONDS));
      }
    } finally {
      done.set(true);
      watcher.join();
    }
    assertEquals(1, most.get(), "descriptors open at once on the shared file, at most");
    assertTrue(samplesOpen.get() > 0, "the watcher saw the file open");
    assertEquals(0, files.openFileCount());
    ByteBuffer all = ByteBuffer.wrap(readAll(files, shared));
    for (int t = 0; t < threads; t++) {
      assertEquals(rounds, all.getLong(t * Long.BYTES), "thread " + t + "'s last write");
    }
  }
}
