package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.StillWaiting;
import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocking {@code lock()} calls from virtual threads (platform threads on JDK 17), more of them
 * than there are carriers, while another program holds the range; each case runs on a plain file
 * too, and must end the same way there. An encrypted channel's wait runs on a platform thread of
 * its own ({@code RawLockWait}), its caller waiting on a monitor.
 */
class VirtualThreadLockTest {
  private static final int THREADS = 50;
  private static final int RECORD = 100;

  @TempDir Path tmp;

  /** Each thread waits for a range of its own at once, and writes its record once it has it. */
  @Test
  void fiftyWaitsAtOnceEachEndWithTheirRange() throws Exception {
    Path plain = tmp.resolve("plain");
    Files.write(plain, new byte[THREADS * RECORD]);
    List<String> onPlain;
    try (RangeHolder other = RangeHolder.hold(plain, 0, THREADS * RECORD)) {
      onPlain = waitThenWrite(plain, other);
    }
    assertEquals(expected(1), onPlain);
    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[THREADS * RECORD]);
      try (RangeHolder other = RangeHolder.hold(root.resolve("f"), 1, THREADS * RECORD)) {
        assertEquals(onPlain, waitThenWrite(f, other));
      }
    }
    try (FileSystem fs = NestedRoots.open(root)) {
      assertEquals(onPlain, records(Files.readAllBytes(fs.getPath("/f"))), "after reopening");
    }
  }

  private static List<String> waitThenWrite(Path file, RangeHolder other) throws Exception {
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int n = i;
      calls.add(VirtualThreads.outcome("ranged-" + n, () -> writeUnderRange(file, n)));
    }
    LockSupport.parkNanos(SECONDS.toNanos(1) / 5);
    for (CompletableFuture<Object> call : calls) {
      StillWaiting.assertStillWaiting(call, "a wait while the other program holds the range");
    }
    other.letGo();
    for (CompletableFuture<Object> call : calls) {
      assertEquals("written", call.get(30, SECONDS));
    }
    return records(Files.readAllBytes(file));
  }

  private static Object writeUnderRange(Path file, int n) throws IOException {
    try (FileChannel c = FileChannel.open(file, READ, WRITE)) {
      FileLock lock = c.lock((long) n * RECORD, RECORD, false);
      c.write(ByteBuffer.wrap(record(n, 0)), (long) n * RECORD);
      lock.release();
      return "written";
    }
  }

  /**
   * Appenders take turns under a lock of the whole file, as a prudent-mode logger's do: in one
   * program a second caller is refused as overlapping ({@code OverlappingFileLockException}) and
   * tries again. The first callers wait for another program that holds the file at the start.
   */
  @Test
  void appendersTakingTurnsUnderALockKeepEveryRecord() throws Exception {
    Path plain = tmp.resolve("plain");
    Files.createFile(plain);
    List<String> onPlain;
    try (RangeHolder other = RangeHolder.hold(plain, 0, Long.MAX_VALUE)) {
      onPlain = takeTurns(plain, other);
    }
    assertEquals(expected(TURNS), onPlain);
    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.createFile(f);
      try (RangeHolder other = RangeHolder.hold(root.resolve("f"), 1, Long.MAX_VALUE - 1)) {
        assertEquals(onPlain, takeTurns(f, other));
      }
    }
    try (FileSystem fs = NestedRoots.open(root)) {
      assertEquals(onPlain, records(Files.readAllBytes(fs.getPath("/f"))), "after reopening");
    }
  }

  private static final int TURNS = 4;

  private static List<String> takeTurns(Path file, RangeHolder other) throws Exception {
    List<CompletableFuture<Object>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      int n = i;
      calls.add(VirtualThreads.outcome("appender-" + n, () -> appendInTurns(file, n)));
    }
    LockSupport.parkNanos(SECONDS.toNanos(1) / 5);
    for (CompletableFuture<Object> call : calls) {
      StillWaiting.assertStillWaiting(call, "a wait while the other program holds the file");
    }
    other.letGo();
    for (CompletableFuture<Object> call : calls) {
      assertEquals("appended", call.get(30, SECONDS));
    }
    return records(Files.readAllBytes(file));
  }

  private static Object appendInTurns(Path file, int n) throws IOException {
    try (FileChannel c = FileChannel.open(file, WRITE, APPEND)) {
      for (int turn = 0; turn < TURNS; turn++) {
        FileLock lock = lockInTurn(c);
        ByteBuffer b = ByteBuffer.wrap(record(n, turn));
        while (b.hasRemaining()) {
          c.write(b);
        }
        lock.release();
      }
      return "appended";
    }
  }

  private static FileLock lockInTurn(FileChannel c) throws IOException {
    while (true) {
      try {
        return c.lock();
      } catch (OverlappingFileLockException e) {
        // Another thread of this program holds it, or waits for it.
        LockSupport.parkNanos(100_000);
      }
    }
  }

  /** Every thread's records of {@code turns} turns, sorted as {@link #records} sorts them. */
  private static List<String> expected(int turns) {
    List<String> all = new ArrayList<>();
    for (int n = 0; n < THREADS; n++) {
      for (int turn = 0; turn < turns; turn++) {
        all.add(new String(record(n, turn), US_ASCII).trim());
      }
    }
    all.sort(null);
    return all;
  }

  /**
   * A virtual thread interrupted while it waits in {@code lock()}: the call ends with {@code
   * FileLockInterruptionException}, the interrupt kept and the channel closed, on both files; and
   * the program holds nothing once the other program lets go. On JDK 25 a plain channel's {@code
   * Thread.interrupt()} of a virtual thread waiting in {@code lock()} itself waits until the other
   * program lets go (the JDK cannot signal a virtual thread out of the native call), so here the
   * plain file's interrupt comes from a thread of its own; an encrypted channel's ends the wait at
   * once.
   */
  @Test
  void anInterruptedWaitEndsAndLeavesNothingHeld() throws Exception {
    Path plain = tmp.resolve("plain");
    Files.write(plain, new byte[300]);
    try (RangeHolder other = RangeHolder.hold(plain, 100, 100);
        FileChannel waiter = FileChannel.open(plain, READ, WRITE)) {
      LockCall call = lockInVirtualThread(waiter);
      call.awaitWaiting();
      Thread interrupter = new Thread(call.thread()::interrupt);
      interrupter.start();
      LockSupport.parkNanos(SECONDS.toNanos(1) / 5);
      other.letGo();
      assertInterrupted(call, waiter);
      interrupter.join();
      assertEquals("free", RangeProbe.probe("plain", plain, 100, 100));
    }

    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[300]);
      try (RangeHolder other = RangeHolder.hold(root.resolve("f"), 101, 100);
          FileChannel waiter = FileChannel.open(f, READ, WRITE);
          FileChannel keep = FileChannel.open(f, READ, WRITE)) {
        LockCall call = lockInVirtualThread(waiter);
        call.awaitWaiting();
        call.thread().interrupt();
        assertInterrupted(call, waiter);
        keep.write(ByteBuffer.wrap(new byte[] {7}), 0);
        other.letGo();
        FileLock again = lockWithin30Seconds(keep);
        again.release();
        assertEquals("free", RangeProbe.probe("plain", root.resolve("f"), 101, 100));
      }
      byte[] expected = new byte[300];
      expected[0] = 7;
      assertTrue(Arrays.equals(expected, Files.readAllBytes(f)));
    }
  }

  private static void assertInterrupted(LockCall call, FileChannel waiter) throws Exception {
    assertInstanceOf(FileLockInterruptionException.class, call.outcome().get(30, SECONDS));
    assertTrue(call.interruptKept().get(30, SECONDS), "the interrupt stays set");
    assertFalse(waiter.isOpen(), "the waiting channel closes");
  }

  /** The abandoned wait gives the range back once granted: another call takes it after. */
  private static FileLock lockWithin30Seconds(FileChannel c) throws IOException {
    long deadline = System.nanoTime() + SECONDS.toNanos(30);
    while (true) {
      FileLock lock = c.tryLock(100, 100, false);
      if (lock != null) {
        return lock;
      }
      assertTrue(System.nanoTime() < deadline, "the range comes free");
      LockSupport.parkNanos(1_000_000);
    }
  }

  private record LockCall(
      Thread thread, CompletableFuture<Object> outcome, CompletableFuture<Boolean> interruptKept) {
    void awaitWaiting() {
      long deadline = System.nanoTime() + SECONDS.toNanos(30);
      // A plain channel's virtual thread waits in the native call, which it does not leave.
      while (!StillWaiting.waits(thread.getState())
          && Arrays.stream(thread.getStackTrace())
              .noneMatch(e -> e.getMethodName().startsWith("lock0"))) {
        StillWaiting.assertStillWaiting(outcome, "a wait for the range");
        assertTrue(System.nanoTime() < deadline, "the lock call waits");
        LockSupport.parkNanos(1_000_000);
      }
    }
  }

  private static LockCall lockInVirtualThread(FileChannel c) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    Thread t =
        VirtualThreads.start(
            "interrupted",
            () -> {
              try {
                outcome.complete(c.lock(100, 100, false));
              } catch (Throwable e) {
                outcome.complete(e);
              }
              interruptKept.complete(Thread.currentThread().isInterrupted());
            });
    return new LockCall(t, outcome, interruptKept);
  }

  private static byte[] record(int thread, int turn) {
    byte[] r = new byte[RECORD];
    Arrays.fill(r, (byte) ' ');
    byte[] text = String.format("record %03d.%d", thread, turn).getBytes(US_ASCII);
    System.arraycopy(text, 0, r, 0, text.length);
    r[RECORD - 1] = '\n';
    return r;
  }

  /** The file's 100-byte records, trimmed and sorted; fails on a partial record. */
  private static List<String> records(byte[] content) {
    assertEquals(0, content.length % RECORD, "whole records");
    List<String> all = new ArrayList<>();
    for (int at = 0; at < content.length; at += RECORD) {
      all.add(new String(content, at, RECORD, US_ASCII).trim());
    }
    all.sort(null);
    return all;
  }
}
