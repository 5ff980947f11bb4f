package io.encryptedfs.durability;

import static io.encryptedfs.testing.StillWaiting.assertStillWaiting;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.HeldForce;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A force runs its {@code fsync} without the file's lock: while it waits for the disk, reads, a
 * write inside the file and one tail record go on; a second tail record waits, since the three tail
 * slots then hold the newest record, the durable one and the one being made durable. The disk here
 * is the fault file system, whose force is held until the test lets it go. Afterwards every power
 * loss keeps what was written before the force, and the file opens.
 */
class ForceWithoutLockTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void readsAndWritesGoOnWhileAForceWaitsForTheDisk() throws Exception {
    byte[] before = new byte[3 * BLOCK + 100];
    new Random(1).nextBytes(before);
    CountDownLatch forceStarted = new CountDownLatch(1);
    CountDownLatch releaseForce = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = writeThrough(faults);
          FileChannel writer = FileChannel.open(fs.getPath("/f"), CREATE_NEW, READ, WRITE)) {
        writer.write(ByteBuffer.wrap(before));
        Future<?> force = HeldForce.start(faults, pool, writer, "f", forceStarted, releaseForce);
        Future<?> second;
        try {
          try (FileChannel other = FileChannel.open(fs.getPath("/f"), READ, WRITE)) {
            ByteBuffer back = ByteBuffer.allocate(before.length);
            other.read(back, 0);
            assertArrayEquals(before, back.array(), "a read during the force");
            other.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), BLOCK + 10); // inside home block 1
          }
          writer.write(ByteBuffer.wrap(new byte[] {42}), before.length); // one tail record
          assertStillWaiting(force, "the force to be still held");

          second =
              pool.submit(
                  () -> {
                    try (FileChannel appender = FileChannel.open(fs.getPath("/f"), WRITE, APPEND)) {
                      appender.write(ByteBuffer.wrap(new byte[] {43}));
                    }
                    return null;
                  });
          Thread.sleep(300);
          assertStillWaiting(second, "a second tail record to wait for the force");
        } finally {
          releaseForce.countDown();
        }
        force.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);

        byte[] expected = Arrays.copyOf(before, before.length + 2);
        expected[BLOCK + 10] = 1;
        expected[BLOCK + 11] = 2;
        expected[BLOCK + 12] = 3;
        expected[before.length] = 42;
        expected[before.length + 1] = 43;
        assertArrayEquals(expected, Files.readAllBytes(fs.getPath("/f")));

        Recording recording = faults.recording();
        int checked = 0;
        try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
          restorer.afterCrash(recording, CrashPlan.powerLoss(), f -> checkPrefix(f, expected));
          for (CrashPlan plan : recording.crashPoints().sample(5, 200).toList()) {
            restorer.afterCrash(recording, plan, f -> checkPrefix(f, expected));
            checked++;
          }
        }
        assertTrue(checked > 20, "only " + checked + " crash points");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A force begins and ends under the file's read lock: a reader the disk holds up does not hold up
   * a force, and a force makes no reader park behind it. The read here is held inside the raw read
   * until the force, which makes a newer tail record durable and writes the header, has ended.
   */
  @Test
  void aForceGoesOnWhileAReadWaitsForTheDisk() throws Exception {
    byte[] data = new byte[2 * BLOCK + 100];
    new Random(2).nextBytes(data);
    CountDownLatch readStarted = new CountDownLatch(1);
    CountDownLatch releaseRead = new CountDownLatch(1);
    AtomicBoolean hold = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = writeThrough(faults);
          FileChannel writer = FileChannel.open(fs.getPath("/f"), CREATE_NEW, READ, WRITE);
          FileChannel reader = FileChannel.open(fs.getPath("/f"), READ)) {
        writer.write(ByteBuffer.wrap(data));
        faults.beforeReads(path -> HeldForce.holdOnce(path, "f", hold, readStarted, releaseRead));
        hold.set(true);
        ByteBuffer back = ByteBuffer.allocate(data.length);
        Future<Integer> read = pool.submit(() -> reader.read(back, 0));
        try {
          assertTrue(readStarted.await(30, TimeUnit.SECONDS));
          Future<?> force =
              pool.submit(
                  () -> {
                    writer.force(false);
                    return null;
                  });
          try {
            force.get(10, TimeUnit.SECONDS);
          } catch (TimeoutException e) {
            fail("the force waited for a read held by the disk");
          }
          assertStillWaiting(read, "the read to be still held");
        } finally {
          releaseRead.countDown();
        }
        assertEquals(data.length, read.get(30, TimeUnit.SECONDS));
        assertArrayEquals(data, back.array());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The in-place guard of FORMAT.md section 8 while a force runs without the lock: block 0, filled
   * just before, is rewritten in place while the force that makes its record durable is held. That
   * force need not cover the rewrite, and the header naming the record would follow it, so the
   * guard cannot name the record yet and forces everything itself first. Every subset of the pages
   * written after the last force that covers them keeps the forced size, with block 0 old, new or
   * reported damaged. (Without the running force counted, the forced 4 KiB read back as 100.)
   */
  @Test
  void aRewriteWhileAForceRunsKeepsTheForcedState() throws Exception {
    byte[] forced = new byte[BLOCK];
    Arrays.fill(forced, (byte) 7);
    byte[] rewritten = new byte[BLOCK];
    Arrays.fill(rewritten, (byte) 9);
    CountDownLatch forceStarted = new CountDownLatch(1);
    CountDownLatch releaseForce = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Recording recording;
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = writeThrough(faults);
          FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, READ, WRITE)) {
        ch.write(ByteBuffer.wrap(forced, 0, 100), 0);
        ch.write(ByteBuffer.wrap(forced, 100, BLOCK - 100), 100);
        Future<?> force = HeldForce.start(faults, pool, ch, "f", forceStarted, releaseForce);
        try {
          ch.write(ByteBuffer.wrap(rewritten), 0);
        } finally {
          releaseForce.countDown();
        }
        force.get(30, TimeUnit.SECONDS);
        recording = faults.recording();
        faults.dropForces(path -> false);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterEveryPageSubset(
          recording,
          Restorer.ROOT + "/f",
          (fs, plan) -> {
            try (FileChannel ch = FileChannel.open(fs.getPath("/f"), READ)) {
              assertEquals(BLOCK, ch.size(), plan::toString);
              Restorer.assertBlockIsOneOf(ch, 0, BLOCK, plan, forced, rewritten);
            }
          });
    }
  }

  /**
   * The encrypted root on {@code faults}, write-through whatever the surefire execution says, so
   * that each write that changes the tail writes its tail record at once.
   */
  private FileSystem writeThrough(FaultInjectingFileSystem faults) throws IOException {
    return open(faults.root().resolve(Restorer.ROOT), "write-through");
  }

  private FileSystem open(Path dir, String mode) throws IOException {
    return TestRoots.open(dir, keys, "AES-256-GCM", BLOCK, mode);
  }

  /**
   * A write that waits for a force to free a tail slot has let the file's lock go, but it was begun
   * as the file's writer: giving up the program's last caller's lock meanwhile must not hand the
   * file over, or another program could write between the write's view and its record. Real locks
   * (the fault file system over the disk), and a second file system on a nested root as the other
   * program. In both write modes, set here whatever the surefire execution says.
   */
  @ParameterizedTest
  @ValueSource(strings = {"write-through", "buffered"})
  void aLockGivenUpWhileAWriteWaitsKeepsTheFile(String mode, @TempDir Path disk) throws Exception {
    CountDownLatch forceStarted = new CountDownLatch(1);
    CountDownLatch releaseForce = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(disk);
    Path root = Files.createDirectories(faults.root().resolve("r"));
    byte[] expected = new byte[BLOCK + 2];
    new Random(3).nextBytes(expected);
    try (FileSystem fs = open(root, mode);
        FileSystem other = open(Files.createDirectories(root.resolve("sub")), mode);
        FileChannel writer = FileChannel.open(fs.getPath("/sub/f"), CREATE_NEW, READ, WRITE)) {
      FileLock lock = writer.lock();
      writer.write(ByteBuffer.wrap(expected, 0, 1));
      Future<?> force = HeldForce.start(faults, pool, writer, "f", forceStarted, releaseForce);
      Future<?> waiting;
      try {
        // Into a new block: its record takes the one free slot at once, in either mode.
        writer.write(ByteBuffer.wrap(expected, 1, BLOCK), 1);
        waiting =
            pool.submit(() -> writer.write(ByteBuffer.wrap(expected, BLOCK + 1, 1), BLOCK + 1));
        Thread.sleep(300);
        assertStillWaiting(waiting, "the third write to wait for the force");
        lock.release();
        assertThrows(
            ConcurrentWriterException.class,
            () -> Files.write(other.getPath("/f"), new byte[] {9}, StandardOpenOption.APPEND));
      } finally {
        releaseForce.countDown();
      }
      force.get(30, TimeUnit.SECONDS);
      waiting.get(30, TimeUnit.SECONDS);
      assertArrayEquals(expected, Files.readAllBytes(fs.getPath("/sub/f")));
    } finally {
      faults.dropForces(path -> false);
      pool.shutdownNow();
    }
  }

  /**
   * After a crash the file opens and holds at least the bytes forced (everything written before the
   * force began), then a prefix of the later appends. Block 1 holds the overwrite or not; written
   * in place while the force ran, which need not cover it, it may also be torn, and then reports
   * damage naming it.
   */
  private static void checkPrefix(FileSystem fs, byte[] expected) throws IOException {
    try (FileChannel ch = FileChannel.open(fs.getPath("/f"), READ)) {
      long size = ch.size();
      int forced = expected.length - 2;
      assertTrue(size >= forced, "forced bytes lost: " + size);
      assertTrue(size <= expected.length);
      for (long start = 0; start < size; start += BLOCK) {
        ByteBuffer block = ByteBuffer.allocate((int) Math.min(BLOCK, size - start));
        try {
          while (block.hasRemaining() && ch.read(block, start + block.position()) > 0) {
            // the whole block
          }
        } catch (DamagedFileException e) {
          assertEquals(1, e.block(), e.getMessage());
          continue;
        }
        for (int i = 0; i < block.capacity(); i++) {
          long at = start + i;
          if (at < BLOCK + 10 || at > BLOCK + 12) {
            assertEquals(expected[(int) at], block.get(i), "byte " + at);
          }
        }
      }
    }
  }
}
