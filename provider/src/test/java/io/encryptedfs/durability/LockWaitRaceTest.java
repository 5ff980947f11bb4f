package io.encryptedfs.durability;

import static io.encryptedfs.durability.LockWaitFixture.AT;
import static io.encryptedfs.durability.LockWaitFixture.SIZE;
import static io.encryptedfs.durability.LockWaitFixture.lockInThread;
import static io.encryptedfs.durability.LockWaitFixture.onAnEncryptedFile;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LockWaitTest}'s races: a wait's end (by close or interrupt) racing the other program's
 * grant, and a wait whose caller left still on its way to the JDK when the next call for the range
 * comes. Whatever order they meet in, the program ends up holding nothing it was not granted, and
 * the next call gets the range when the other program lets go.
 */
class LockWaitRaceTest {
  @TempDir Path tmp;

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
        tmp,
        (f, raw, other, keep, kept) -> {
          kept.release();
          Random random = new Random(28);
          ExecutorService otherSide = Executors.newSingleThreadExecutor();
          try {
            for (int round = 0; round < 50; round++) {
              FileChannel waiter = FileChannel.open(f, READ, WRITE);
              LockCall call = lockInThread(waiter, "waiter");
              call.awaitWaiting();
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
        call.awaitWaiting();
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
      int before = LockCall.waitingInTheJdk();
      FileChannel gone = FileChannel.open(file, READ, WRITE);
      LockCall call = lockInThread(gone, "gone");
      call.awaitWaiting();
      gone.close();
      assertInstanceOf(AsynchronousCloseException.class, call.outcome().get(30, TimeUnit.SECONDS));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (LockCall.waitingInTheJdk() == before) {
        assertTrue(System.nanoTime() < deadline, "the abandoned wait reaches the JDK");
        Thread.sleep(1);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
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
}
