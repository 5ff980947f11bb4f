package io.encryptedfs.channel;

import static io.encryptedfs.channel.Interrupts.faults;
import static io.encryptedfs.channel.Interrupts.interruptIfVictim;
import static io.encryptedfs.channel.Interrupts.random;
import static io.encryptedfs.channel.Interrupts.reopens;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every channel on a file shares one underlying channel, which the JDK closes when a thread is
 * interrupted during a call on it. That closed the file under every other channel and released
 * their locks. The underlying file is now reopened and the call repeated: the interrupted call
 * completes with the interrupt kept, the next call on that channel closes it, and every other
 * channel goes on. Here the fault file system interrupts a thread inside its underlying call (as an
 * interrupt landing during the call does); {@link InterruptOnDiskTest} takes interrupts at random
 * on the real disk. {@link ReopenByNameTest} finds the file again by its name, and {@link
 * WriterAfterReopenTest} has writes check the file again after a reopen.
 */
class InterruptTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void anInterruptDuringAnUnderlyingReadLeavesEveryOtherChannelWorking() throws Exception {
    byte[] content = random(3 * BLOCK + 100, 1);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, content);
        try (FileChannel other = FileChannel.open(f, READ, WRITE);
            FileChannel interrupted = FileChannel.open(f, READ)) {
          FileLock lock = other.lock();
          AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
          faults.beforeReads(path -> interruptIfVictim(victim));

          ByteBuffer got = ByteBuffer.allocate(BLOCK);
          try {
            assertEquals(BLOCK, interrupted.read(got, 100), "the interrupted call completes");
            assertTrue(Thread.currentThread().isInterrupted(), "and keeps the interrupt");
            ByteBuffer next = ByteBuffer.allocate(1);
            assertThrows(ClosedByInterruptException.class, () -> interrupted.read(next, 0));
          } finally {
            Thread.interrupted();
          }
          assertArrayEquals(Arrays.copyOfRange(content, 100, 100 + BLOCK), got.array());
          assertFalse(interrupted.isOpen());
          assertEquals(1, reopens(other), "the underlying file was reopened once");

          assertTrue(other.isOpen());
          assertTrue(lock.isValid(), "the other channel's lock was taken back");
          byte[] more = random(2 * BLOCK, 2);
          assertEquals(more.length, other.write(ByteBuffer.wrap(more), BLOCK + 7));
          System.arraycopy(more, 0, content, BLOCK + 7, more.length);
          other.force(true);
          lock.release();
          assertFalse(lock.isValid());
        }
        assertArrayEquals(content, Files.readAllBytes(f));
      }
    }
  }

  @Test
  void aCallCutShortByAnotherThreadsInterruptIsRepeated() throws Exception {
    byte[] content = random(5 * BLOCK, 3);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, content);
        try (FileChannel held = FileChannel.open(f, READ);
            FileChannel interrupted = FileChannel.open(f, READ)) {
          AtomicReference<Thread> holdThis = new AtomicReference<>();
          AtomicReference<Thread> victim = new AtomicReference<>();
          CountDownLatch inRead = new CountDownLatch(1);
          CountDownLatch release = new CountDownLatch(1);
          faults.beforeReads(
              path -> {
                if (holdThis.compareAndSet(Thread.currentThread(), null)) {
                  inRead.countDown();
                  await(release);
                }
                interruptIfVictim(victim);
              });
          Future<byte[]> cut =
              pool.submit(
                  () -> {
                    holdThis.set(Thread.currentThread());
                    ByteBuffer dst = ByteBuffer.allocate(3 * BLOCK);
                    held.read(dst, 2 * BLOCK);
                    return dst.array();
                  });
          try {
            assertTrue(inRead.await(30, TimeUnit.SECONDS));
            // The held read is inside the underlying channel; an interrupt now closes it.
            victim.set(Thread.currentThread());
            try {
              interrupted.read(ByteBuffer.allocate(10), 0);
            } finally {
              assertTrue(Thread.interrupted());
            }
          } finally {
            release.countDown();
          }
          assertArrayEquals(
              Arrays.copyOfRange(content, 2 * BLOCK, 5 * BLOCK), cut.get(30, TimeUnit.SECONDS));
          assertEquals(1, reopens(held));
          assertTrue(held.isOpen());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * An interrupt while a file is being opened (its header and tail read) reopens it too: the open
   * succeeds with the interrupt kept, and the channel's first call closes it, as a FileChannel
   * opened by an interrupted thread does.
   */
  @Test
  void anInterruptWhileAFileIsOpenedReopensItToo() throws Exception {
    byte[] content = random(BLOCK + 10, 11);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, content);
        AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
        faults.beforeReads(path -> interruptIfVictim(victim));
        FileChannel ch;
        try {
          ch = FileChannel.open(f, READ);
          assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
          assertEquals(1, reopens(ch));
          assertThrows(ClosedByInterruptException.class, () -> ch.read(ByteBuffer.allocate(1)));
        } finally {
          Thread.interrupted();
        }
        assertFalse(ch.isOpen());
        assertArrayEquals(content, Files.readAllBytes(f));
      }
    }
  }

  /**
   * A force whose {@code fsync} an interrupt cut short is not repeated, since the JDK then reports
   * the close instead of a failed {@code fsync}: the interrupted thread gets {@code
   * ClosedByInterruptException}. A force that finds the channel closed before it began is repeated
   * on the reopened one.
   */
  @Test
  void aForceIsRepeatedOnlyIfItNeverBegan() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        try (FileChannel ch = FileChannel.open(f, CREATE_NEW, READ, WRITE);
            FileChannel other = FileChannel.open(f, READ, WRITE)) {
          ch.write(ByteBuffer.wrap(random(BLOCK + 10, 10)));
          AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
          AtomicReference<Thread> holdThis = new AtomicReference<>();
          CountDownLatch inForce = new CountDownLatch(1);
          CountDownLatch release = new CountDownLatch(1);
          faults.dropForces(
              path -> {
                interruptIfVictim(victim);
                if (holdThis.compareAndSet(Thread.currentThread(), null)) {
                  inForce.countDown();
                  await(release);
                }
                return false;
              });
          try {
            assertThrows(ClosedByInterruptException.class, () -> ch.force(true));
          } finally {
            assertTrue(Thread.interrupted(), "the interrupt is kept");
          }
          assertEquals(1, reopens(other));
          other.force(true); // the file works for everyone else

          // A force that reaches the underlying channel after another thread's interrupt
          // closed it, but before the reopen: nothing was attempted, so it is repeated.
          Future<?> late =
              pool.submit(
                  () -> {
                    holdThis.set(Thread.currentThread());
                    other.force(false);
                    return null;
                  });
          try {
            assertTrue(inForce.await(30, TimeUnit.SECONDS));
            faults.beforeReads(path -> interruptIfVictim(victim));
            victim.set(Thread.currentThread());
            try {
              assertEquals(10, other.read(ByteBuffer.allocate(10), 0));
            } finally {
              assertTrue(Thread.interrupted());
            }
          } finally {
            release.countDown();
          }
          late.get(30, TimeUnit.SECONDS);
          assertEquals(2, reopens(other));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A lock taken on the underlying channel just before a reopen replaced it went with the old
   * channel, and the reopen did not know of it yet: it is taken again on the new channel.
   */
  @Test
  void aLockTakenAsTheChannelIsReplacedIsTakenAgain() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, random(2 * BLOCK, 8));
        try (FileChannel locker = FileChannel.open(f, READ, WRITE);
            FileChannel interrupted = FileChannel.open(f, READ)) {
          AtomicReference<Thread> lockThread = new AtomicReference<>(Thread.currentThread());
          AtomicReference<Thread> victim = new AtomicReference<>();
          faults.beforeReads(path -> interruptIfVictim(victim));
          faults.afterLocks(
              path -> {
                if (lockThread.compareAndSet(Thread.currentThread(), null)) {
                  // Held on the old channel; another thread's interrupt replaces that channel now.
                  Future<?> reopen =
                      pool.submit(
                          () -> {
                            victim.set(Thread.currentThread());
                            try {
                              interrupted.read(ByteBuffer.allocate(10), 0);
                            } catch (IOException e) {
                              throw new IllegalStateException(e);
                            } finally {
                              Thread.interrupted();
                            }
                          });
                  try {
                    reopen.get(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              });
          FileLock lock = locker.lock(0, 100, false);
          assertEquals(1, reopens(locker), "the channel was replaced while the lock was taken");
          assertTrue(lock.isValid(), "the lock is held on the new channel");
          lock.release();
          assertFalse(lock.isValid());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
