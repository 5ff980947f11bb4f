package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Buffered mode's bound with one file's lock held for long: the timed hand-overs of a file system
 * share one thread, which must not wait for that lock while other files' hand-overs are due.
 */
class BufferedBusyFileTest {
  private static final int BLOCK = BufferedRoots.BLOCK;
  private BufferedRoots roots;
  private ExecutorService pool;

  @BeforeEach
  void setUp() throws IOException {
    roots = new BufferedRoots();
    pool = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws IOException {
    pool.shutdownNow();
    roots.close();
  }

  private static void write(FileChannel ch, byte[] data, long at) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    while (buffer.hasRemaining()) {
      ch.write(buffer, at + buffer.position());
    }
  }

  /**
   * Polls for up to two seconds until a process crash would leave {@code expected} at {@code path};
   * returns what it would leave last.
   */
  private byte[] awaitProcessCrashImage(String path, byte[] expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    byte[] found = roots.afterProcessCrash(path);
    while (!Arrays.equals(expected, found) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      found = roots.afterProcessCrash(path);
    }
    return found;
  }

  @Test
  void aReadStalledInOneFileDoesNotHoldBackAnotherFilesTimedWrite() throws Exception {
    // Long enough that the read below is held before /a's hand-over is due on a loaded CI machine
    // (a pause of tens of milliseconds there is common): the hand-over must find the lock taken.
    try (FileSystem fs = roots.open("buffered", 300);
        FileChannel a = FileChannel.open(fs.getPath("/a"), CREATE_NEW, READ, WRITE);
        FileChannel b = FileChannel.open(fs.getPath("/b"), CREATE_NEW, WRITE)) {
      byte[] forced = BufferedRoots.bytes(1, 3 * BLOCK);
      write(a, forced, 0);
      a.force(false);
      AtomicReference<Thread> reader = new AtomicReference<>();
      pool.submit(() -> reader.set(Thread.currentThread())).get();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      roots.faults.beforeReads(
          path -> {
            if (Thread.currentThread() == reader.get()) {
              held.countDown();
              try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
      try {
        byte[] tail = {42};
        write(a, tail, forced.length);
        // /a's hand-over is due within the bound; its read lock is held inside the underlying read.
        Future<Integer> read = pool.submit(() -> a.read(ByteBuffer.allocate(BLOCK), 0));
        assertTrue(held.await(30, TimeUnit.SECONDS), "the read of /a reached the underlying file");
        byte[] written = {7, 8};
        write(b, written, 0);
        assertArrayEquals(
            written,
            awaitProcessCrashImage("/b", written),
            "/b's timed write handed over while /a's lock is held");
        assertArrayEquals(
            forced, roots.afterProcessCrash("/a"), "/a's own waits while its lock is held");
        release.countDown();
        read.get(30, TimeUnit.SECONDS);
        byte[] whole = Arrays.copyOf(forced, forced.length + 1);
        whole[forced.length] = tail[0];
        assertArrayEquals(
            whole,
            awaitProcessCrashImage("/a", whole),
            "/a's timed write handed over once its lock is free");
      } finally {
        release.countDown();
      }
    }
  }
}
