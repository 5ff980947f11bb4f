package io.encryptedfs.channel;

import static io.encryptedfs.channel.Interrupts.random;
import static io.encryptedfs.channel.Interrupts.reopens;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupts at random on the real disk, where the JDK's own channel closes itself under a call
 * (see {@link InterruptTest} for the cases made exact with the fault file system).
 */
class InterruptOnDiskTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  /**
   * On the real disk: a reader is interrupted every 100 µs or so while it reads one region and
   * writes another, reopening its channel each time the interrupt closes it; meanwhile another
   * channel, holding a lock, overwrites a third region, appends past it and forces. No call of the
   * other channel fails (a write or tail record after a reopen claims the writer lock again and
   * compares the file, and must find it unchanged; appends of up to three blocks put home blocks
   * down first, so a reopen can also land between a write's claim and its record), every read
   * returns what was written, the lock stays valid, and the file holds every write that returned.
   */
  @Test
  void interruptsAtRandomOnTheRealDiskLoseNothing(@TempDir Path dir) throws Exception {
    int region = 64 * BLOCK;
    byte[] fixed = random(region, 7);
    byte[] victimModel = new byte[region];
    byte[] workerModel = new byte[region];
    ByteArrayOutputStream appended = new ByteArrayOutputStream();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FileSystem fs = TestRoots.open(dir.resolve("r"), keys, "AES-256-GCM", BLOCK)) {
      Path f = fs.getPath("/f");
      try (FileChannel init = FileChannel.open(f, CREATE_NEW, WRITE)) {
        init.write(ByteBuffer.wrap(fixed), 0);
        init.write(ByteBuffer.wrap(new byte[2 * region]), region);
      }
      try (FileChannel worker = FileChannel.open(f, READ, WRITE)) {
        FileLock lock = worker.lock(0, region, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        AtomicReference<Thread> victimThread = new AtomicReference<>();
        Future<int[]> victim =
            pool.submit(
                () -> {
                  victimThread.set(Thread.currentThread());
                  return victimLoop(f, fixed, victimModel, region, deadline, worker);
                });
        Future<?> interrupter =
            pool.submit(
                () -> {
                  while (!victim.isDone()) {
                    Thread t = victimThread.get();
                    if (t != null) {
                      t.interrupt();
                    }
                    LockSupport.parkNanos(100_000);
                  }
                  return null;
                });
        Random random = new Random(8);
        int writes = 0;
        int cutForces = 0;
        while (!victim.isDone()) {
          byte[] page = random(BLOCK, random.nextLong());
          int at = random.nextInt(region - BLOCK);
          assertEquals(BLOCK, worker.write(ByteBuffer.wrap(page), 2 * region + at));
          System.arraycopy(page, 0, workerModel, at, BLOCK);
          ByteBuffer back = ByteBuffer.allocate(BLOCK);
          assertEquals(BLOCK, worker.read(back, 2 * region + at));
          assertArrayEquals(page, back.array());
          byte[] line = random(1 + random.nextInt(3 * BLOCK), random.nextLong());
          long end = 3L * region + appended.size();
          assertEquals(line.length, worker.write(ByteBuffer.wrap(line), end));
          appended.write(line);
          if (++writes % 50 == 0) {
            try {
              worker.force(false);
            } catch (SyncFailedException e) {
              // The victim's interrupt closed the channel during this force: its outcome is
              // unknown, and the force after it must succeed.
              assertTrue(e.getMessage().startsWith("/f: force cut short"), e.getMessage());
              cutForces++;
              worker.force(false);
            }
          }
        }
        int[] counts = victim.get();
        interrupter.get();
        assertTrue(counts[0] > 0, "the reader was closed by interrupts " + counts[0] + " times");
        assertTrue(counts[1] > 0, "no interrupt landed inside an underlying call");
        assertTrue(worker.isOpen());
        assertTrue(lock.isValid());
        lock.release();
      }
    } finally {
      pool.shutdownNow();
    }
    try (FileSystem fs = TestRoots.open(dir.resolve("r"), keys, "AES-256-GCM", BLOCK)) {
      byte[] all = Files.readAllBytes(fs.getPath("/f"));
      assertArrayEquals(fixed, Arrays.copyOfRange(all, 0, region));
      assertArrayEquals(victimModel, Arrays.copyOfRange(all, region, 2 * region));
      assertArrayEquals(workerModel, Arrays.copyOfRange(all, 2 * region, 3 * region));
      assertArrayEquals(appended.toByteArray(), Arrays.copyOfRange(all, 3 * region, all.length));
    }
  }

  /**
   * Reads the fixed region and writes the next one through channels that interrupts close, until
   * enough interrupts landed inside underlying calls or the deadline passes. Returns how many
   * channels interrupts closed and how many times the file was reopened.
   */
  private static int[] victimLoop(
      Path f, byte[] fixed, byte[] model, int region, long deadline, FileChannel worker)
      throws IOException {
    Random random = new Random(9);
    int closed = 0;
    while (reopens(worker) < 20 && System.nanoTime() < deadline) {
      try (FileChannel ch = FileChannel.open(f, READ, WRITE)) {
        while (true) {
          int at = random.nextInt(region - BLOCK);
          ByteBuffer got = ByteBuffer.allocate(BLOCK);
          ch.read(got, at);
          assertArrayEquals(Arrays.copyOfRange(fixed, at, at + BLOCK), got.array());
          byte[] page = random(1000, random.nextLong());
          int to = random.nextInt(region - page.length);
          ch.write(ByteBuffer.wrap(page), region + to);
          // The write returned, so it happened, interrupted or not.
          System.arraycopy(page, 0, model, to, page.length);
        }
      } catch (ClosedByInterruptException e) {
        Thread.interrupted();
        closed++;
      }
    }
    Thread.interrupted();
    return new int[] {closed, reopens(worker)};
  }
}
