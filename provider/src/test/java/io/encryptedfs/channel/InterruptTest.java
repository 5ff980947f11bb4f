package io.encryptedfs.channel;

import static io.encryptedfs.testing.StillWaiting.assertStillWaiting;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.HeldForce;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every channel on a file shares one underlying channel, which the JDK closes when a thread is
 * interrupted during a call on it. That closed the file under every other channel and released
 * their locks. The underlying file is now reopened and the call repeated: the interrupted call
 * completes with the interrupt kept, the next call on that channel closes it, and every other
 * channel goes on. Here the fault file system interrupts a thread inside its underlying call (as an
 * interrupt landing during the call does); {@link InterruptOnDiskTest} takes interrupts at random
 * on the real disk.
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

  @Test
  void aFileMovedWhileOpenIsReopenedUnderItsNewName() throws Exception {
    byte[] content = random(2 * BLOCK, 4);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, content);
        try (FileChannel ch = FileChannel.open(f, READ, WRITE)) {
          Files.createDirectory(fs.getPath("/dir"));
          Files.move(f, fs.getPath("/dir/g"));
          AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
          faults.beforeReads(path -> interruptIfVictim(victim));
          ByteBuffer got = ByteBuffer.allocate(BLOCK);
          try {
            assertEquals(BLOCK, ch.read(got, BLOCK));
          } finally {
            assertTrue(Thread.interrupted());
          }
          assertArrayEquals(Arrays.copyOfRange(content, BLOCK, 2 * BLOCK), got.array());
          assertEquals(1, reopens(ch));
          assertEquals(3, ch.write(ByteBuffer.wrap(new byte[] {7, 8, 9}), 2 * BLOCK));
        }
        byte[] back = Files.readAllBytes(fs.getPath("/dir/g"));
        assertEquals(2 * BLOCK + 3, back.length);
        assertArrayEquals(content, Arrays.copyOf(back, content.length));
      }
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
   * ClosedByInterruptException}. A force that finds the channel closed before it began is
   * repeated on the reopened one.
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
   * A file renamed behind the file system's back, and another put in its place: reopening by the
   * old name finds a different file, which must not be taken for it.
   */
  @Test
  void aFileReplacedBehindTheFileSystemsBackIsNotTakenForIt() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      Path root = faults.root().resolve("r");
      try (FileSystem fs = TestRoots.open(root, keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, random(2 * BLOCK, 5));
        Files.write(fs.getPath("/g"), random(2 * BLOCK, 6));
        try (FileChannel ch = FileChannel.open(f, READ);
            FileChannel other = FileChannel.open(f, READ)) {
          Path rawF = root.resolve("f"); // names are stored in clear (format version 1)
          Path rawG = root.resolve("g");
          Files.move(rawF, rawF.resolveSibling("elsewhere"));
          Files.copy(rawG, rawF);
          AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
          faults.beforeReads(path -> interruptIfVictim(victim));
          FileSystemException e;
          try {
            e = assertThrows(FileSystemException.class, () -> ch.read(ByteBuffer.allocate(10), 0));
          } finally {
            assertTrue(Thread.interrupted(), "the interrupt is kept");
          }
          assertEquals("/f", e.getFile());
          assertTrue(e.getMessage().contains("closed by an interrupt"), e.getMessage());
          assertTrue(e.getMessage().contains("another file has its name now"), e.getMessage());
          assertFalse(e.getMessage().contains("/disk/"), "no underlying path: " + e.getMessage());
          assertThrows(FileSystemException.class, () -> other.read(ByteBuffer.allocate(10), 0));
        }
      }
    }
  }

  /**
   * The writer's lock on byte 0 goes with the closed channel, so another writer could write while
   * the file is reopened. The reopen takes it back, and the next write checks the file again and
   * catches up with that writer's append before it writes (it used to overwrite its record). Jimfs
   * locks never exclude, which stands in for a writer that got in during that instant.
   */
  @Test
  void aWriterChecksTheFileAgainAfterAReopen() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      Path rawRoot = faults.root().resolve("r");
      try (FileSystem fs = TestRoots.open(rawRoot, keys, "AES-256-GCM", BLOCK)) {
        Files.createDirectories(fs.getPath("/sub"));
        Path f = fs.getPath("/sub/f");
        byte[] first = random(BLOCK + 100, 5);
        byte[] other = random(50, 6);
        byte[] mine = random(10, 7);
        try (FileSystem nested = TestRoots.open(rawRoot.resolve("sub"), keys, "AES-256-GCM", BLOCK);
            FileChannel writer = FileChannel.open(f, CREATE_NEW, READ, WRITE);
            FileChannel interrupted = FileChannel.open(f, READ)) {
          writer.write(ByteBuffer.wrap(first));
          reopenByInterrupt(faults, interrupted);
          assertEquals(1, reopens(writer));
          Files.write(nested.getPath("/f"), other, StandardOpenOption.APPEND);

          writer.write(ByteBuffer.wrap(mine), BLOCK + 100);
          assertEquals(BLOCK + 150, writer.size(), "the other writer's append stands");
        }
        byte[] expected = new byte[BLOCK + 150];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(other, 0, expected, first.length, other.length);
        System.arraycopy(mine, 0, expected, first.length, mine.length);
        assertArrayEquals(expected, Files.readAllBytes(f));
      }
    }
  }

  /**
   * A write that waits for a force to free a tail slot was begun as the file's writer. An interrupt
   * that has the channel reopened meanwhile lets the writer lock go for an instant, in which another
   * writer may write (Jimfs locks never exclude, which stands in for that instant). The waiting
   * write checks again: it fails, instead of writing a record under a sequence the other writer has
   * spent over the end it moved, and the next write catches up. The force that ends meanwhile
   * leaves the other writer's header alone. In both write modes, set here whatever the surefire
   * execution says: a buffered write that stays in the last block makes no record to check at, and
   * went on with its old view, to be lost once the close found the other writer's record.
   */
  @ParameterizedTest
  @ValueSource(strings = {"write-through", "buffered"})
  void aWriteWaitingThroughAReopenChecksTheFileAgain(String mode) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      Path rawRoot = faults.root().resolve("r");
      try (FileSystem fs = open(rawRoot, mode)) {
        Files.createDirectories(fs.getPath("/sub"));
        Path f = fs.getPath("/sub/f");
        byte[] first = random(BLOCK + 100, 9);
        byte[] second = random(BLOCK, 11);
        byte[] other = random(50, 10);
        int end = first.length + second.length;
        try (FileSystem nested = open(rawRoot.resolve("sub"), mode);
            FileChannel writer = FileChannel.open(f, CREATE_NEW, READ, WRITE);
            FileChannel interrupted = FileChannel.open(f, READ)) {
          writer.write(ByteBuffer.wrap(first));
          CountDownLatch forceHeld = new CountDownLatch(1);
          CountDownLatch releaseForce = new CountDownLatch(1);
          Future<?> force = HeldForce.start(faults, pool, writer, "f", forceHeld, releaseForce);
          Future<Integer> waiting;
          byte[] othersHeaders;
          try {
            // Into a new block: its record goes to the one free slot at once, in either mode.
            writer.write(ByteBuffer.wrap(second), first.length);
            waiting = pool.submit(() -> writer.write(ByteBuffer.wrap(new byte[] {3}), end));
            Thread.sleep(300);
            assertStillWaiting(waiting, "the third write to wait for the force");

            reopenByInterrupt(faults, interrupted);
            assertEquals(1, reopens(writer));
            Files.write(nested.getPath("/f"), other, StandardOpenOption.APPEND);
            othersHeaders = headerSlots(rawRoot.resolve("sub").resolve("f"));
          } finally {
            releaseForce.countDown();
          }
          force.get(30, TimeUnit.SECONDS);
          assertArrayEquals(
              othersHeaders,
              headerSlots(rawRoot.resolve("sub").resolve("f")),
              "the force left the other writer's header alone");
          ExecutionException failed =
              assertThrows(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
          assertInstanceOf(ConcurrentWriterException.class, failed.getCause());
          assertEquals(end + other.length, writer.size(), "the other append stands");
          writer.write(ByteBuffer.wrap(new byte[] {4}), writer.size());
        }
        byte[] expected = Arrays.copyOf(first, end + other.length + 1);
        System.arraycopy(second, 0, expected, first.length, second.length);
        System.arraycopy(other, 0, expected, end, other.length);
        expected[expected.length - 1] = 4;
        assertArrayEquals(expected, Files.readAllBytes(f));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private FileSystem open(Path dir, String mode) throws IOException {
    return TestRoots.open(dir, keys, "AES-256-GCM", BLOCK, mode);
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

  /**
   * Interrupts this thread inside an underlying read through {@code channel}, so that its file's
   * underlying channel is reopened (the read completes, the interrupt kept, and cleared here).
   */
  private static void reopenByInterrupt(FaultInjectingFileSystem faults, FileChannel channel)
      throws IOException {
    AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
    faults.beforeReads(path -> interruptIfVictim(victim));
    try {
      channel.read(ByteBuffer.allocate(10), 0);
    } finally {
      assertTrue(Thread.interrupted());
    }
  }

  /** Both header slots of a raw file (FORMAT.md §2). */
  private static byte[] headerSlots(Path raw) throws IOException {
    return Arrays.copyOf(Files.readAllBytes(raw), 512);
  }

  static int reopens(FileChannel channel) {
    return ((EncryptedFileChannel) channel).file().raw().reopens();
  }

  private static FaultInjectingFileSystem faults(FileSystem jimfs) throws IOException {
    return FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/disk")));
  }

  /** In a read hook: interrupts the victim once, inside its underlying read. */
  private static void interruptIfVictim(AtomicReference<Thread> victim) {
    if (victim.compareAndSet(Thread.currentThread(), null)) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
