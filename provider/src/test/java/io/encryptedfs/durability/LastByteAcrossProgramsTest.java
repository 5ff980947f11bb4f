package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.channel.LockMonitors;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks on the last byte a lock can cover ({@code Long.MAX_VALUE - 1}) as another program sees
 * them. One byte up on the underlying file that byte is {@code Long.MAX_VALUE}, which only a lock
 * of size zero there reaches (every byte from it on): the JDK's table of this program's locks sees
 * no overlap between two such locks, and the operating system's locks, which belong to the process,
 * are given up for the whole process by the release of either.
 */
class LastByteAcrossProgramsTest {
  private static final long LAST = Long.MAX_VALUE - 1;

  @TempDir Path tmp;

  /**
   * Two channels take the last byte at once, the second between the first's look at this program's
   * locks and its lock of the underlying range: one gets it, the other is refused, as on a plain
   * file, and the one held stays held in the other program's eyes. Before, the first was refused
   * once the second held it, and its giving back of the underlying range gave up the second's hold
   * on it too (the other program found it free, while {@code isValid()} said true).
   */
  @Test
  void ofTwoTakesOfTheLastByteAtOnceOneHoldsIt() throws Exception {
    Path plain = tmp.resolve("plain");
    Files.write(plain, new byte[10]);
    try (FileChannel a = FileChannel.open(plain, READ, WRITE);
        FileChannel b = FileChannel.open(plain, READ, WRITE)) {
      FileLock first = a.tryLock(LAST, 1, false);
      assertThrows(OverlappingFileLockException.class, () -> b.tryLock(LAST, 1, false));
      assertTrue(first.isValid());
      assertEquals("busy", RangeProbe.probe("plain", plain, LAST, 1));
    }

    Path disk = Files.createDirectories(tmp.resolve("disk"));
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(disk);
    Path root = Files.createDirectories(faults.root().resolve("r"));
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[10]);
      try (FileChannel a = FileChannel.open(f, READ, WRITE);
          FileChannel b = FileChannel.open(f, READ, WRITE)) {
        AtomicBoolean armed = new AtomicBoolean(true);
        CompletableFuture<Object> second = new CompletableFuture<>();
        faults.afterLocks(
            path -> {
              if (armed.getAndSet(false)) {
                // The first holds the underlying range, not yet as its lock: the second comes now.
                CompletableFuture.runAsync(() -> second.complete(tryLastByte(b))).join();
              }
            });
        Object first;
        try {
          first = tryLastByte(a);
        } finally {
          faults.afterLocks(path -> {});
        }
        List<Object> outcomes = List.of(first, second.get(30, TimeUnit.SECONDS));
        List<Object> held = outcomes.stream().filter(o -> o instanceof FileLock).toList();
        assertEquals(1, held.size(), "one holds it: " + outcomes);
        assertEquals(
            1,
            outcomes.stream().filter(o -> o instanceof OverlappingFileLockException).count(),
            "the other is refused: " + outcomes);
        FileLock lock = (FileLock) held.get(0);
        assertTrue(lock.isValid());
        assertEquals("busy", RangeProbe.probe("encrypted", disk.resolve("r"), LAST, 1));
        lock.release();
        assertEquals("free", RangeProbe.probe("encrypted", disk.resolve("r"), LAST, 1));
      }
    }
  }

  /**
   * A lock of the whole file granted after a wait, given back, and taken again at once, as writers
   * that take turns under a lock do (logback's prudent mode, the samples' SharedLogDemo): the wait
   * stays listed until its thread has dropped it, just after the grant, and the next lock was
   * refused as overlapping it, though it was the first one's, given back already. Here the test
   * thread holds the monitor that the waiter's thread needs to drop it, while it goes on itself.
   */
  @Test
  void aLockGrantedAfterAWaitCanBeTakenAgainAtOnce() throws Exception {
    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[10]);
      try (FileChannel c = FileChannel.open(f, READ);
          RangeHolder other = RangeHolder.hold(root.resolve("f"), 1, Long.MAX_VALUE - 1)) {
        Object monitor = LockMonitors.of(c);
        CompletableFuture<Object> again = new CompletableFuture<>();
        Thread taker =
            new Thread(
                () -> {
                  synchronized (monitor) {
                    try {
                      c.lock(0, Long.MAX_VALUE, true).release();
                      again.complete(tryWholeFile(c));
                    } catch (IOException | RuntimeException e) {
                      again.complete(e);
                    }
                  }
                });
        taker.start();
        new Waiting(taker, again).awaitWaiting();
        other.release();
        Object lock = again.get(30, SECONDS);
        assertInstanceOf(FileLock.class, lock);
        ((FileLock) lock).release();
      }
    }
  }

  /**
   * A lock at {@code Long.MAX_VALUE} of size zero, taken and released beside a lock of the last
   * byte held through another channel, leaves that lock held in another program's eyes, as on a
   * plain file. One byte up both are the same underlying range, whose release by either gives it up
   * for the whole process; before, the second was granted as a range that holds no byte and its
   * release gave up the first's hold (the other program found the last byte free).
   */
  @Test
  void aLockAtTheEndDoesNotGiveUpTheLastByteOfAnotherChannel() throws Exception {
    Path plain = tmp.resolve("plain");
    Files.write(plain, new byte[10]);
    try (FileChannel a = FileChannel.open(plain, READ, WRITE);
        FileChannel b = FileChannel.open(plain, READ, WRITE)) {
      FileLock last = a.lock(LAST, 1, false);
      b.lock(Long.MAX_VALUE, 0, false).release();
      assertTrue(last.isValid());
      assertEquals("busy", RangeProbe.probe("plain", plain, LAST, 1));
    }

    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[10]);
      try (FileChannel a = FileChannel.open(f, READ, WRITE);
          FileChannel b = FileChannel.open(f, READ, WRITE)) {
        FileLock last = a.lock(LAST, 1, false);
        Object atTheEnd = takeAndRelease(b, Long.MAX_VALUE, 0);
        assertTrue(last.isValid());
        assertEquals("busy", RangeProbe.probe("encrypted", root, LAST, 1));
        // Refused, where a plain channel grants it: here it is the last byte's underlying range.
        assertInstanceOf(OverlappingFileLockException.class, atTheEnd);
        assertThrows(OverlappingFileLockException.class, () -> b.tryLock(Long.MAX_VALUE, 0, true));
        last.release();

        FileLock end = b.lock(Long.MAX_VALUE, 0, false);
        assertThrows(OverlappingFileLockException.class, () -> a.tryLock(LAST, 1, false));
        assertTrue(end.isValid());
        assertEquals("busy", RangeProbe.probe("encrypted", root, LAST, 1));
        end.release();
        assertEquals("free", RangeProbe.probe("encrypted", root, LAST, 1));
      }
    }
  }

  /** Takes the range on {@code c} and gives it back at once: the lock, or what was thrown. */
  private static Object takeAndRelease(FileChannel c, long position, long size) {
    try {
      FileLock lock = c.lock(position, size, false);
      lock.release();
      return lock;
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }

  private static Object tryWholeFile(FileChannel c) {
    try {
      return c.tryLock(0, Long.MAX_VALUE, true);
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }

  /**
   * A wait for the last byte whose channel closed goes on, for a later caller to take over: the
   * next caller waits in it rather than beside it, as a plain channel's caller waits alone. Before,
   * it waited beside it (the JDK's table cannot see two waits for that byte), and when the other
   * program let go both were granted, and the abandoned one's giving back of the underlying range
   * gave up the new caller's hold on it too. The fault file system holds that give-back until the
   * new caller has the lock, where a kernel that wakes the abandoned wait first hides it.
   */
  @Test
  void aNewWaitForTheLastByteTakesOverAnAbandonedOne() throws Exception {
    Path plain = tmp.resolve("plain");
    Files.write(plain, new byte[10]);
    try (RangeHolder other = RangeHolder.hold(plain, LAST, 1);
        FileChannel next = FileChannel.open(plain, READ, WRITE)) {
      abandonAWait(plain);
      Waiting taking = lockInThread(next);
      taking.awaitWaiting();
      other.letGo();
      assertTrue(((FileLock) taking.outcome().get(30, SECONDS)).isValid());
      assertEquals("busy", RangeProbe.probe("plain", plain, LAST, 1));
    }

    Path disk = Files.createDirectories(tmp.resolve("disk"));
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(disk);
    Path root = Files.createDirectories(faults.root().resolve("r"));
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[10]);
      // One byte up, as another program using encryptedfs holds the last byte.
      try (RangeHolder other = RangeHolder.hold(disk.resolve("r/f"), Long.MAX_VALUE, 0);
          FileChannel next = FileChannel.open(f, READ, WRITE)) {
        Set<Thread> before = threadsWaitingInTheJdk();
        abandonAWait(f);
        Set<Thread> abandoned = newWaitsInTheJdk(before);
        assertEquals(1, abandoned.size(), "the abandoned wait waits in the JDK");
        Waiting taking = lockInThread(next);
        taking.awaitWaiting();
        boolean beside = threadsWaitingInTheJdk().size() > before.size() + 1;
        faults.afterLocks(
            path -> {
              if (beside && abandoned.contains(Thread.currentThread())) {
                taking.outcome().completeOnTimeout(null, 30, SECONDS).join();
              }
            });
        try {
          other.letGo();
          FileLock lock = (FileLock) taking.outcome().get(30, SECONDS);
          assertTrue(lock.isValid());
          assertEquals("busy", RangeProbe.probe("encrypted", disk.resolve("r"), LAST, 1));
        } finally {
          faults.afterLocks(path -> {});
        }
      }
    }
  }

  /** Waits for the last byte through a channel of its own, which then closes. */
  private static void abandonAWait(Path file) throws Exception {
    FileChannel gone = FileChannel.open(file, READ, WRITE);
    Waiting abandoned = lockInThread(gone);
    abandoned.awaitWaiting();
    gone.close();
    assertInstanceOf(AsynchronousCloseException.class, abandoned.outcome().get(30, SECONDS));
  }

  /** Waiter threads of encryptedfs blocked in the JDK's native lock call. */
  private static Set<Thread> threadsWaitingInTheJdk() {
    Set<Thread> waiting = new HashSet<>();
    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
      if (t.getKey().getName().equals("encryptedfs-lock-wait")
          && Arrays.stream(t.getValue()).anyMatch(e -> e.getMethodName().startsWith("lock0"))) {
        waiting.add(t.getKey());
      }
    }
    return waiting;
  }

  /**
   * The waiter threads blocked in the JDK's lock call that {@code before} did not list, once there
   * is one: a caller waits for its waiter's grant as soon as the waiter is started, which may reach
   * the JDK's call only later (a new thread of the waiters' pool, on a busy machine).
   */
  private static Set<Thread> newWaitsInTheJdk(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + SECONDS.toNanos(30);
    while (true) {
      Set<Thread> waiting = threadsWaitingInTheJdk();
      waiting.removeAll(before);
      if (!waiting.isEmpty() || System.nanoTime() > deadline) {
        return waiting;
      }
      Thread.sleep(1);
    }
  }

  /** A thread's call of {@code lock} of the last byte: the lock, or what it threw. */
  private record Waiting(Thread thread, CompletableFuture<Object> outcome) {
    /** Returns once the call waits: for a grant (encrypted) or in the JDK's lock (plain). */
    void awaitWaiting() throws InterruptedException {
      long deadline = System.nanoTime() + SECONDS.toNanos(30);
      while (thread.getState() != Thread.State.WAITING
          && Arrays.stream(thread.getStackTrace())
              .noneMatch(e -> e.getMethodName().startsWith("lock0"))) {
        assertFalse(outcome.isDone(), () -> "the lock call ended: " + outcome.join());
        assertTrue(System.nanoTime() < deadline, "the lock call waits");
        Thread.sleep(1);
      }
    }
  }

  private static Waiting lockInThread(FileChannel channel) {
    return lockInThread(channel, LAST, 1);
  }

  private static Waiting lockInThread(FileChannel channel, long position, long size) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                outcome.complete(channel.lock(position, size, false));
              } catch (Throwable e) {
                outcome.complete(e);
              }
            });
    thread.start();
    return new Waiting(thread, outcome);
  }

  /** The lock, or what the try threw. */
  private static Object tryLastByte(FileChannel c) {
    try {
      return c.tryLock(LAST, 1, false);
    } catch (IOException | RuntimeException e) {
      return e;
    }
  }
}
