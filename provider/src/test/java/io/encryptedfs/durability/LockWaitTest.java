package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread waits in {@code lock()} for a range another program holds, and its channel closes or the
 * thread is interrupted: the wait ends at once, as on a plain channel, and the program's other
 * locks on the file stay. Each case runs on a plain file first and must end the same way there.
 * Before, all channels on a file waited on their one underlying channel, which only an interrupt or
 * that channel's close could wake, so a close left the thread waiting until the other program let
 * go, and an interrupt closed the underlying channel under every other lock.
 */
class LockWaitTest {
  /** The caller's range that the other program holds: bytes 100..199. */
  private static final long AT = 100;

  private static final long SIZE = 100;

  @TempDir Path tmp;

  @Test
  void closingTheChannelEndsItsWait() throws Exception {
    onAPlainFile(plain -> assertInstanceOf(AsynchronousCloseException.class, waitThenClose(plain)));

    onAnEncryptedFile(
        (f, raw, other, keep, kept) -> {
          assertInstanceOf(AsynchronousCloseException.class, waitThenClose(f));
          assertTrue(kept.isValid(), "the other channel's lock stays");
          assertEquals("busy busy", probe(raw, 1, AT + 1), "the first held here, the range there");
          assertNull(keep.tryLock(AT, SIZE, false), "busy, as a plain channel would find it");

          // The close left the wait underway without a caller: a new one for the same range takes
          // it over, rather than being refused as overlapping it.
          try (FileChannel next = FileChannel.open(f, READ, WRITE)) {
            CompletableFuture<Object> locking = lockInThread(next, "next").outcome();
            assertThrows(TimeoutException.class, () -> locking.get(500, TimeUnit.MILLISECONDS));
            other.letGo();
            FileLock granted = (FileLock) locking.get(30, TimeUnit.SECONDS);
            assertTrue(granted.isValid());
            assertEquals("busy", probe(raw, AT + 1), "held here now");
            next.write(ByteBuffer.wrap(new byte[] {5}), AT);
            granted.release();
          }
          kept.release();
          assertEquals(
              "free free", probe(raw, 0, AT + 1), "the last lock given up hands the file over");
          byte[] expected = new byte[300];
          expected[(int) AT] = 5;
          assertArrayEquals(expected, Files.readAllBytes(f));
        });
  }

  @Test
  void anInterruptEndsTheWaitAndClosesOnlyThatChannel() throws Exception {
    onAPlainFile(LockWaitTest::assertInterruptEndsTheWait);

    onAnEncryptedFile(
        (f, raw, other, keep, kept) -> {
          assertInterruptEndsTheWait(f);
          assertTrue(kept.isValid());
          assertEquals("busy busy", probe(raw, 1, AT + 1));
          keep.write(ByteBuffer.wrap(new byte[] {9}), 0);
          other.letGo();
          kept.release();
          byte[] expected = new byte[300];
          expected[0] = 9;
          assertArrayEquals(expected, Files.readAllBytes(f));
        });
  }

  /**
   * A thread already interrupted when it calls {@code lock} for a range another program holds: the
   * call ends at once, as on a plain channel, and leaves no wait behind. Before, it began a wait on
   * a thread of its own and abandoned it at once, which then waited until the other program let go.
   */
  @Test
  void anAlreadyInterruptedCallLeavesNoWaitBehind() throws Exception {
    onAPlainFile(LockWaitTest::assertInterruptedBeforeTheCall);

    onAnEncryptedFile(
        (f, raw, other, keep, kept) -> {
          int before = threadsWaitingInTheJdk();
          assertInterruptedBeforeTheCall(f);
          // A wait begun reaches the JDK's call within microseconds, and stays there.
          Thread.sleep(200);
          assertEquals(before, threadsWaitingInTheJdk(), "no wait left behind");
          assertTrue(kept.isValid());
          assertEquals("busy busy", probe(raw, 1, AT + 1));
        });
  }

  private static void assertInterruptedBeforeTheCall(Path file) throws Exception {
    try (FileChannel waiter = FileChannel.open(file, READ, WRITE)) {
      LockCall call = lockInThread(waiter, "interrupted first", true);
      assertInstanceOf(
          FileLockInterruptionException.class, call.outcome().get(10, TimeUnit.SECONDS));
      assertTrue(call.interruptKept().get(10, TimeUnit.SECONDS), "the interrupt stays set");
      assertFalse(waiter.isOpen(), "the channel closes");
    }
  }

  /** The wait that no close or interrupt ends: the range is granted when the other lets go. */
  @Test
  void aWaitEndsWithTheLockWhenTheOtherProgramLetsGo() throws Exception {
    onAnEncryptedFile(
        (f, raw, other, keep, kept) -> {
          kept.release(); // the wait's lock is to be this program's only one
          try (FileChannel waiter = FileChannel.open(f, READ, WRITE)) {
            CompletableFuture<Object> locking = lockInThread(waiter, "waiter").outcome();
            assertThrows(TimeoutException.class, () -> locking.get(500, TimeUnit.MILLISECONDS));
            other.letGo();
            FileLock granted = (FileLock) locking.get(30, TimeUnit.SECONDS);
            assertTrue(granted.isValid());
            assertEquals("busy busy", probe(raw, 0, AT + 1), "the writer lock came with it");
            granted.release();
            assertEquals("free free", probe(raw, 0, AT + 1));
          }
        });
  }

  /**
   * The other program lets the range go just as the waiting channel closes or the waiting thread is
   * interrupted (chosen at random each round): the call ends either way (with the lock, or with
   * {@code AsynchronousCloseException} or {@code FileLockInterruptionException}), and once the
   * channel is closed this program holds nothing: another channel takes the range once any
   * abandoned wait has given it back, and then the other program takes it again.
   */
  @Test
  void aCloseOrInterruptRacingTheGrantLeavesNothingHeld() throws Exception {
    onAnEncryptedFile(
        (f, raw, other, keep, kept) -> {
          kept.release();
          Random random = new Random(28);
          ExecutorService otherSide = Executors.newSingleThreadExecutor();
          try {
            for (int round = 0; round < 50; round++) {
              FileChannel waiter = FileChannel.open(f, READ, WRITE);
              LockCall call = lockInThread(waiter, "waiter");
              awaitWaiting(call);
              Future<?> released =
                  otherSide.submit(
                      () -> {
                        other.release();
                        return null;
                      });
              boolean interrupt = random.nextBoolean();
              spin(random.nextInt(2_000_000));
              if (interrupt) {
                call.thread().interrupt();
              } else {
                waiter.close();
              }
              released.get(30, TimeUnit.SECONDS);
              Object outcome = call.outcome().get(30, TimeUnit.SECONDS);
              waiter.close();
              if (outcome instanceof FileLock lock) {
                assertFalse(lock.isValid(), "round " + round + ": the close released it");
              } else {
                Class<?> expected =
                    interrupt
                        ? FileLockInterruptionException.class
                        : AsynchronousCloseException.class;
                assertInstanceOf(expected, outcome, "round " + round);
              }
              takeAndRelease(keep, round);
              otherSide
                  .submit(
                      () -> {
                        other.holdAgain();
                        return null;
                      })
                  .get(30, TimeUnit.SECONDS);
            }
          } finally {
            otherSide.shutdownNow();
          }
        });
  }

  /**
   * A wait whose caller left before the wait's thread reached the JDK (a thread starts late on a
   * busy machine) may get there after the next {@code lock()} of the range found it held, and
   * before that call's own wait does: the JDK refuses the second wait as overlapping the first, and
   * the call threw {@code OverlappingFileLockException} (about once in 1,500 rounds of the race
   * above). The call now takes the first wait over, and gets the range when the other program lets
   * go. The fault file system starts the abandoned wait in that window, once the second call has
   * found the range held.
   */
  @Test
  void aCallWhoseWaitFindsAnAbandonedOneThereTakesItOver() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk"));
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(disk);
    Path root = Files.createDirectories(faults.root().resolve("r"));
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[300]);
      try (RangeHolder other = RangeHolder.hold(disk.resolve("r/f"), AT + 1, SIZE);
          FileChannel next = FileChannel.open(f, READ, WRITE)) {
        AtomicBoolean once = new AtomicBoolean();
        faults.afterRefusedLocks(
            path -> {
              if (Thread.currentThread().getName().equals("next") && !once.getAndSet(true)) {
                abandonAWait(f);
              }
            });
        LockCall call = lockInThread(next, "next");
        awaitWaiting(call);
        assertTrue(once.get(), "the abandoned wait came first");
        other.letGo();
        FileLock granted = (FileLock) call.outcome().get(30, TimeUnit.SECONDS);
        assertTrue(granted.isValid());
        next.write(ByteBuffer.wrap(new byte[] {3}), AT);
        granted.release();
      }
      byte[] expected = new byte[300];
      expected[(int) AT] = 3;
      assertArrayEquals(expected, Files.readAllBytes(f));
    }
  }

  /**
   * Waits for the range through a channel of its own, which then closes, and returns once the
   * abandoned wait's thread waits in the JDK.
   */
  private static void abandonAWait(Path file) {
    try {
      int before = threadsWaitingInTheJdk();
      FileChannel gone = FileChannel.open(file, READ, WRITE);
      LockCall call = lockInThread(gone, "gone");
      awaitWaiting(call);
      gone.close();
      assertInstanceOf(AsynchronousCloseException.class, call.outcome().get(30, TimeUnit.SECONDS));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (threadsWaitingInTheJdk() == before) {
        assertTrue(System.nanoTime() < deadline, "the abandoned wait reaches the JDK");
        Thread.sleep(1);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Waiter threads blocked in the JDK's native lock call. */
  private static int threadsWaitingInTheJdk() {
    int n = 0;
    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
      if (t.getKey().getName().equals("encryptedfs-lock-wait")
          && Arrays.stream(t.getValue()).anyMatch(e -> e.getMethodName().startsWith("lock0"))) {
        n++;
      }
    }
    return n;
  }

  /** Waits until {@code call}'s thread waits (for the grant, in the lock call it made). */
  private static void awaitWaiting(LockCall call) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (call.thread().getState() != Thread.State.WAITING) {
      assertFalse(call.outcome().isDone(), () -> "the lock call ended: " + call.outcome().join());
      assertTrue(
          System.nanoTime() < deadline,
          () ->
              "the lock call waits; its thread is "
                  + call.thread().getState()
                  + " at "
                  + Arrays.toString(call.thread().getStackTrace()));
      Thread.sleep(1);
    }
  }

  private static void spin(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  /**
   * Takes the range through {@code channel} within 30 s (an abandoned wait may hold it briefly).
   */
  private static void takeAndRelease(FileChannel channel, int round) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    FileLock lock;
    while ((lock = channel.tryLock(AT, SIZE, false)) == null) {
      assertTrue(System.nanoTime() < deadline, "round " + round + ": the range comes free");
      Thread.sleep(1);
    }
    lock.release();
  }

  private interface EncryptedCheck {
    void on(Path file, Path raw, RangeHolder other, FileChannel keep, FileLock kept)
        throws Exception;
  }

  /**
   * Runs {@code check} on an encrypted file of 300 zero bytes, whose range another program holds
   * ({@code other}), beside a lock of this program's on its first 10 bytes ({@code kept}).
   */
  private void onAnEncryptedFile(EncryptedCheck check) throws Exception {
    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      try (FileChannel c = FileChannel.open(f, CREATE, WRITE)) {
        c.write(ByteBuffer.wrap(new byte[300]));
      }
      Path raw = root.resolve("f"); // names are stored in the clear
      try (RangeHolder other = RangeHolder.hold(raw, AT + 1, SIZE);
          FileChannel keep = FileChannel.open(f, READ, WRITE)) {
        check.on(f, raw, other, keep, keep.lock(0, 10, false));
      }
    }
  }

  private interface Check {
    void on(Path file) throws Exception;
  }

  /**
   * Runs {@code check} on a plain file whose range another program holds, beside a lock of this
   * program's on the same file, which must stay valid.
   */
  private void onAPlainFile(Check check) throws Exception {
    Path plain = tmp.resolve("plain");
    Files.write(plain, new byte[300]);
    try (RangeHolder other = RangeHolder.hold(plain, AT, SIZE);
        FileChannel keep = FileChannel.open(plain, READ, WRITE);
        FileLock kept = keep.lock(0, 10, false)) {
      check.on(plain);
      assertTrue(kept.isValid());
    }
  }

  /** Waits for the range in another thread, closes the channel, and returns how the wait ended. */
  private static Object waitThenClose(Path file) throws Exception {
    FileChannel waiter = FileChannel.open(file, READ, WRITE);
    CompletableFuture<Object> locking = lockInThread(waiter, "waiter").outcome();
    assertThrows(TimeoutException.class, () -> locking.get(500, TimeUnit.MILLISECONDS));
    waiter.close();
    return locking.get(10, TimeUnit.SECONDS);
  }

  private static void assertInterruptEndsTheWait(Path file) throws Exception {
    try (FileChannel waiter = FileChannel.open(file, READ, WRITE)) {
      LockCall call = lockInThread(waiter, "interrupted");
      assertThrows(TimeoutException.class, () -> call.outcome().get(500, TimeUnit.MILLISECONDS));
      call.thread().interrupt();
      assertInstanceOf(
          FileLockInterruptionException.class, call.outcome().get(10, TimeUnit.SECONDS));
      assertTrue(call.interruptKept().get(10, TimeUnit.SECONDS), "the interrupt stays set");
      assertFalse(waiter.isOpen(), "the waiting channel closes");
    }
  }

  /**
   * A thread's call of {@code lock}: the lock or the exception it ended with, and whether the
   * thread was still interrupted after it.
   */
  private record LockCall(
      Thread thread, CompletableFuture<Object> outcome, CompletableFuture<Boolean> interruptKept) {}

  private static LockCall lockInThread(FileChannel channel, String name) {
    return lockInThread(channel, name, false);
  }

  /** As {@link #lockInThread(FileChannel, String)}, the thread interrupted before the call. */
  private static LockCall lockInThread(FileChannel channel, String name, boolean interruptFirst) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              if (interruptFirst) {
                Thread.currentThread().interrupt();
              }
              try {
                outcome.complete(channel.lock(AT, SIZE, false));
              } catch (Throwable e) {
                outcome.complete(e);
              }
              interruptKept.complete(Thread.currentThread().isInterrupted());
            },
            name);
    thread.start();
    return new LockCall(thread, outcome, interruptKept);
  }

  /** What another program finds at each position of {@code raw}: {@code busy} or {@code free}. */
  private static String probe(Path raw, long... positions) throws Exception {
    String[] args = new String[positions.length + 1];
    args[0] = raw.toString();
    for (int i = 0; i < positions.length; i++) {
      args[i + 1] = Long.toString(positions[i]);
    }
    Process child = ChildJvm.start(LockProbe.class, args);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the lock probe ended");
      return line;
    } finally {
      child.destroyForcibly();
    }
  }
}
