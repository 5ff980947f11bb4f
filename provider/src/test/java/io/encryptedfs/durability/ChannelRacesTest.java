package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races between the channels of one file, between two programs (two encrypted file systems, one
 * rooted inside the other, reach the same underlying file), and between a file system's close and
 * its opens, that once gave a reader a spurious error, or left a lock or a channel that nothing
 * would release or close.
 */
class ChannelRacesTest {
  private static final long SEED = 78;
  private static final int BLOCK = 4096;

  @TempDir Path tmp;

  private static FileSystem open(Path dir) throws IOException {
    return EncryptedFileSystems.newFileSystem(dir, WalAppender.env(SEED));
  }

  private static byte[] content(int length, int seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * A reader whose view of the file is older than another program's truncation reads where the
   * blocks it knew are gone: a plain file's reader finds the end there, and so must this one, after
   * looking at the file again. It got {@code DamagedFileException} ("raw file ends inside this
   * block"), as if the file were damaged, when it read away from the end it knew (where it does not
   * look at the file again first). A read of what is left, and of what was written since, returns
   * the other program's bytes.
   */
  @Test
  void aReaderFindsTheEndAnotherProgramTruncatedTo() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("root"));
    byte[] data = content(10 * BLOCK + 7, 1);
    try (FileSystem a = open(root);
        FileSystem b = open(Files.createDirectories(root.resolve("sub")))) {
      Files.write(a.getPath("/sub/f"), data);
      try (FileChannel reader = FileChannel.open(b.getPath("/f"), READ)) {
        assertEquals(data.length, reader.size());
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/f"), WRITE)) {
          writer.truncate(BLOCK + 10);
        }
        ByteBuffer got = ByteBuffer.allocate(100);
        assertEquals(-1, reader.read(got, 3 * BLOCK), "past the end it was truncated to");
        assertEquals(0, got.position());
        ByteBuffer left = ByteBuffer.allocate(2 * BLOCK);
        assertEquals(BLOCK + 10, reader.read(left, 0));
        assertArrayEquals(Arrays.copyOf(data, BLOCK + 10), Arrays.copyOf(left.array(), BLOCK + 10));

        byte[] regrown = content(5 * BLOCK, 2);
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/f"), WRITE)) {
          writer.truncate(0);
          writer.write(ByteBuffer.wrap(regrown), 0);
          writer.truncate(3 * BLOCK);
        }
        ByteBuffer again = ByteBuffer.allocate(BLOCK);
        assertEquals(BLOCK, reader.read(again, BLOCK));
        assertArrayEquals(Arrays.copyOfRange(regrown, BLOCK, 2 * BLOCK), again.array());
        assertEquals(-1, reader.read(ByteBuffer.allocate(10), 5 * BLOCK));
        assertEquals(3 * BLOCK, reader.size());
      }
    }
  }

  /**
   * A thread waits in {@code lock()} while another closes that channel, and the file stays open
   * through a second channel. {@code FileChannel.lock} then throws {@code
   * AsynchronousCloseException}, holding nothing. Here the wait ended after the close (the lock was
   * granted at that instant, as when another program lets it go), and the lock was kept: the
   * channel's close had already released its locks, so nothing released this one, nor the writer
   * lock its taking claimed, while the file stayed open; another program could neither lock nor
   * write the file. The fault file system holds the granted lock until the channel is closed.
   */
  @Test
  void aLockGrantedAfterItsChannelClosedIsNotKept() throws Exception {
    raceALock(
        (faults, waiter) -> {
          CountDownLatch granted = new CountDownLatch(1);
          CountDownLatch closed = new CountDownLatch(1);
          faults.afterLocks(
              path -> {
                if (Thread.currentThread().getName().equals("waiter")) {
                  granted.countDown();
                  try {
                    assertTrue(closed.await(30, TimeUnit.SECONDS));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
          CompletableFuture<Object> locking = lockInThread(waiter);
          assertTrue(granted.await(30, TimeUnit.SECONDS));
          waiter.close();
          closed.countDown();
          assertInstanceOf(AsynchronousCloseException.class, locking.get(30, TimeUnit.SECONDS));
          faults.afterLocks(path -> {});
        });
  }

  /**
   * As above, but the channel closes while the lock, granted, looks at the file again and takes the
   * writer lock (the taking of an exclusive lock on a writable channel does, see {@code
   * ChannelLocks}). {@code lock()} throws {@code AsynchronousCloseException}, and both the range
   * and the writer lock are free for another program while the file stays open through a second
   * channel. The lock used to join the channel's locks before that look, and {@code lock()}
   * returned it, a lock of a closed channel; and had the close come just before the look, after the
   * lock joined, the close would have handed the file off first and the look then taken the writer
   * lock for a closed channel, held until the file closed. The fault file system holds the look
   * (its first read) until the close has run, or two seconds (the old code's close waited for the
   * look).
   */
  @Test
  void aLockWhoseChannelClosesWhileItLooksAtTheFileIsNotKept() throws Exception {
    raceALock(
        (faults, waiter) -> {
          CountDownLatch looking = new CountDownLatch(1);
          CountDownLatch closed = new CountDownLatch(1);
          faults.beforeReads(
              path -> {
                if (Thread.currentThread().getName().equals("waiter") && looking.getCount() > 0) {
                  looking.countDown();
                  try {
                    closed.await(2, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
          CompletableFuture<Object> locking = lockInThread(waiter);
          assertTrue(looking.await(30, TimeUnit.SECONDS), "the lock looks at the file");
          CompletableFuture<Void> closing =
              CompletableFuture.runAsync(
                  () -> {
                    try {
                      waiter.close();
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                    closed.countDown();
                  });
          assertInstanceOf(AsynchronousCloseException.class, locking.get(30, TimeUnit.SECONDS));
          closing.get(30, TimeUnit.SECONDS);
          faults.beforeReads(path -> {});
        });
  }

  private interface LockRace {
    void run(FaultInjectingFileSystem faults, FileChannel waiter) throws Exception;
  }

  /**
   * Runs {@code race} on a channel ({@code waiter}) of a 10-byte file that another channel keeps
   * open, on a root in a fault file system, which another program (a file system rooted inside it)
   * reaches too; then checks that nothing was kept ({@link #assertNothingKept}).
   */
  private void raceALock(LockRace race) throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk"));
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(disk);
    Path root = Files.createDirectories(faults.root().resolve("r"));
    try (FileSystem a = open(root);
        FileSystem b = open(Files.createDirectories(disk.resolve("r/sub")))) {
      Files.write(a.getPath("/sub/f"), new byte[10]);
      try (FileChannel keep = FileChannel.open(a.getPath("/sub/f"), READ, WRITE)) {
        race.run(faults, FileChannel.open(a.getPath("/sub/f"), READ, WRITE));
        assertNothingKept(b, keep);
      }
    }
    assertBothWrote(root);
  }

  /** Calls {@code channel.lock()} in a thread named "waiter"; completes with the lock or error. */
  private static CompletableFuture<Object> lockInThread(FileChannel channel) {
    CompletableFuture<Object> locking = new CompletableFuture<>();
    new Thread(
            () -> {
              try {
                locking.complete(channel.lock());
              } catch (IOException | RuntimeException e) {
                locking.complete(e);
              }
            },
            "waiter")
        .start();
    return locking;
  }

  /**
   * Neither the range nor the writer lock is kept: the other program ({@code b}) writes byte 0,
   * then {@code keep} locks the file and writes byte 1.
   */
  private static void assertNothingKept(FileSystem b, FileChannel keep) throws IOException {
    try (FileChannel other = FileChannel.open(b.getPath("/f"), WRITE)) {
      other.write(ByteBuffer.wrap(new byte[] {7}), 0);
    }
    FileLock again = keep.tryLock();
    assertNotNull(again, "the range is free");
    keep.write(ByteBuffer.wrap(new byte[] {8}), 1);
    again.release();
  }

  /** Both writes of {@link #assertNothingKept} are in the file, read again from {@code root}. */
  private static void assertBothWrote(Path root) throws IOException {
    try (FileSystem a = open(root)) {
      byte[] expected = new byte[10];
      expected[0] = 7;
      expected[1] = 8;
      assertArrayEquals(expected, Files.readAllBytes(a.getPath("/sub/f")));
    }
  }

  /**
   * Threads open channels while the file system closes: every open either fails ({@code
   * ClosedFileSystemException}, or a closed channel) or returns a channel that the close closed. An
   * open that had passed the file system's check when the close began, but not yet reached the
   * table of open files, used to return a channel that outlived the close: it still wrote, and the
   * close, a durability point, had not forced it.
   */
  @Test
  void everyChannelOpenedBesideTheFileSystemsCloseIsClosedByIt() throws Exception {
    int survivors = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (int round = 0; round < 40; round++) {
      FileSystem fs = open(Files.createDirectories(tmp.resolve("root" + round)));
      List<FileChannel> opened = Collections.synchronizedList(new ArrayList<>());
      CyclicBarrier start = new CyclicBarrier(3);
      List<Thread> openers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        String prefix = "/t" + t + "-";
        Thread opener =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                      opened.add(FileChannel.open(fs.getPath(prefix + i), CREATE, WRITE));
                    }
                  } catch (ClosedFileSystemException | IOException e) {
                    // refused: the file system closed first
                  } catch (Exception e) {
                    failure.compareAndSet(null, e);
                  }
                });
        opener.start();
        openers.add(opener);
      }
      start.await();
      Thread.sleep(1 + round % 3);
      fs.close();
      for (Thread opener : openers) {
        opener.join(30_000);
      }
      for (FileChannel channel : opened) {
        if (channel.isOpen()) {
          survivors++;
          channel.close();
        }
      }
    }
    assertNull(failure.get());
    assertEquals(0, survivors, "channels open after their file system closed");
  }
}
