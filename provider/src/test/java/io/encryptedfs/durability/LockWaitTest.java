package io.encryptedfs.durability;

import static io.encryptedfs.durability.LockWaitFixture.AT;
import static io.encryptedfs.durability.LockWaitFixture.SIZE;
import static io.encryptedfs.durability.LockWaitFixture.lockInThread;
import static io.encryptedfs.durability.LockWaitFixture.onAnEncryptedFile;
import static io.encryptedfs.durability.LockWaitFixture.probe;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  @TempDir Path tmp;

  @Test
  void closingTheChannelEndsItsWait() throws Exception {
    onAPlainFile(plain -> assertInstanceOf(AsynchronousCloseException.class, waitThenClose(plain)));

    onAnEncryptedFile(
        tmp,
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
        tmp,
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
        tmp,
        (f, raw, other, keep, kept) -> {
          int before = LockCall.waitingInTheJdk();
          assertInterruptedBeforeTheCall(f);
          // A wait begun reaches the JDK's call within microseconds, and stays there.
          Thread.sleep(200);
          assertEquals(before, LockCall.waitingInTheJdk(), "no wait left behind");
          assertTrue(kept.isValid());
          assertEquals("busy busy", probe(raw, 1, AT + 1));
        });
  }

  private static void assertInterruptedBeforeTheCall(Path file) throws Exception {
    try (FileChannel waiter = FileChannel.open(file, READ, WRITE)) {
      LockCall call = LockCall.start(waiter, AT, SIZE, "interrupted first", true);
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
        tmp,
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
}
