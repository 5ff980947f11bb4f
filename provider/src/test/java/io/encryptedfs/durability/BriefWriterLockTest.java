package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer lock (an exclusive lock on byte 0 of the underlying file) is also taken for an instant
 * by programs that are not writing: a probe of whether another program writes, and a program that
 * handed the file on and then forces it, which lends itself the lock to write the header. A write
 * that met such an instant failed with {@link ConcurrentWriterException}, where no other writer
 * was, as in programs that take turns under a lock and force after their turn.
 *
 * <p>The instant ends where the test says, not when a thread of its own is next scheduled: the
 * encrypted root is on the fault file system, whose hook lets the lock go in the writing thread
 * once its look for the lock has found it held a set number of times. (Released by another thread
 * after a millisecond, the instant outlasted the write's retries of about 12 ms on a loaded host.)
 */
class BriefWriterLockTest {
  /** The write's look that finds the lock free: the ones before it found it held. */
  private static final int FREE_AT_LOOK = 3;

  @TempDir Path tmp;

  private static void append(FileChannel c, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(UTF_8));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  @Test
  void aWriteThatMeetsTheWriterLockTakenForAnInstantWaitsForIt() throws Exception {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(tmp);
    Path root = Files.createDirectories(faults.root().resolve("root"));
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(5))) {
      Files.createFile(fs.getPath("/f"));
      appendRounds(faults, fs, tmp.resolve("root").resolve("f"));
    }
  }

  /**
   * @param rawFile the underlying file on the default file system, where the test's own locks call
   *     no hook
   */
  private static void appendRounds(FaultInjectingFileSystem faults, FileSystem fs, Path rawFile)
      throws IOException {
    StringBuilder expected = new StringBuilder();
    AtomicReference<FileLock> instant = new AtomicReference<>();
    AtomicInteger refused = new AtomicInteger();
    faults.afterRefusedLocks(
        path -> {
          if (path.getFileName().toString().equals("f")
              && refused.incrementAndGet() == FREE_AT_LOOK - 1) {
            release(instant.getAndSet(null)); // null for the lock that stays
          }
        });
    // Kept open to the end: closing a descriptor drops every POSIX lock the process holds on it.
    try (FileChannel raw = FileChannel.open(rawFile, WRITE)) {
      for (int round = 0; round < 20; round++) {
        String record = "record " + round + "\n";
        // A new session each round: its first write takes the writer lock, as a program's
        // first write after its turn began does.
        try (FileChannel c = FileChannel.open(fs.getPath("/f"), CREATE, WRITE, APPEND)) {
          refused.set(0);
          instant.set(raw.lock(0, 1, false));
          append(c, record);
          expected.append(record);
          assertEquals(FREE_AT_LOOK - 1, refused.get(), "looks that found the lock held");
        }
      }
      assertEquals(expected.toString(), Files.readString(fs.getPath("/f")));

      // A lock that stays is another writer: refused after a few looks, with nothing written.
      refused.set(0);
      try (FileChannel c = FileChannel.open(fs.getPath("/f"), WRITE, APPEND)) {
        FileLock held = raw.lock(0, 1, false);
        try {
          assertThrows(ConcurrentWriterException.class, () -> append(c, "refused\n"));
        } finally {
          held.release();
        }
      }
      assertTrue(refused.get() > 1, "the write looked once: " + refused.get());
      assertEquals(expected.toString(), Files.readString(fs.getPath("/f")));
    } finally {
      faults.afterRefusedLocks(path -> {});
    }
  }

  /**
   * The writing thread is interrupted (by another thread, in effect) just as its write first finds
   * the writer lock taken for an instant, which ends 2 ms later: the write still waits it out, and
   * completes. Before, every pause of the write's looks returned at once on the interrupted thread,
   * so the write gave up within microseconds ({@link ConcurrentWriterException}).
   */
  @Test
  void anInterruptDuringTheWaitForTheWriterLockDoesNotCutItShort() throws Exception {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(tmp);
    Path root = Files.createDirectories(faults.root().resolve("root"));
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(5));
        FileChannel raw = FileChannel.open(tmp.resolve("root").resolve("f"), CREATE, WRITE)) {
      Files.write(fs.getPath("/f"), "first\n".getBytes(UTF_8));
      AtomicReference<FileLock> instant = new AtomicReference<>();
      AtomicLong firstRefusal = new AtomicLong();
      faults.afterRefusedLocks(
          path -> {
            if (!path.getFileName().toString().equals("f")) {
              return;
            }
            long now = System.nanoTime();
            if (firstRefusal.compareAndSet(0, now)) {
              Thread.currentThread().interrupt();
            } else if (now - firstRefusal.get() >= TimeUnit.MILLISECONDS.toNanos(2)) {
              release(instant.getAndSet(null));
            }
          });
      try (FileChannel c = FileChannel.open(fs.getPath("/f"), WRITE, APPEND)) {
        instant.set(raw.lock(0, 1, false));
        try {
          append(c, "second\n");
        } finally {
          assertTrue(Thread.interrupted(), "the interrupt stays set");
        }
      } finally {
        faults.afterRefusedLocks(path -> {});
        release(instant.get());
      }
      assertEquals("first\nsecond\n", Files.readString(fs.getPath("/f")));
    }
  }

  private static void release(FileLock lock) {
    if (lock == null) {
      return;
    }
    try {
      lock.release();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
