package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.StillWaiting;
import io.encryptedfs.testing.VirtualThreads;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An asynchronous channel's lock that waits for another program while its executor's threads are
 * interrupted ({@code shutdownNow}): the JDK's asynchronous channel ignores the interrupt, goes on
 * waiting, and is granted the range when the other program lets go, the channel still open.
 */
class AsyncLockInterruptTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aPendingLockOutlivesItsExecutorsInterrupt(boolean virtual) throws Exception {
    Path plain = tmp.resolve("plain");
    Files.write(plain, new byte[300]);
    try (RangeHolder other = RangeHolder.hold(plain, 100, 100)) {
      pendingLockThroughInterrupt(plain, other, virtual);
    }
    Path root = NestedRoots.root(tmp);
    try (FileSystem fs = NestedRoots.open(root)) {
      Path f = fs.getPath("/f");
      Files.write(f, new byte[300]);
      try (RangeHolder other = RangeHolder.hold(root.resolve("f"), 101, 100)) {
        pendingLockThroughInterrupt(f, other, virtual);
      }
    }
  }

  private static void pendingLockThroughInterrupt(Path f, RangeHolder other, boolean virtual)
      throws Exception {
    ExecutorService executor =
        virtual ? VirtualThreads.perTaskExecutor() : Executors.newFixedThreadPool(2);
    try (AsynchronousFileChannel c =
        AsynchronousFileChannel.open(f, Set.of(READ, WRITE), executor)) {
      Future<FileLock> lock = c.lock(100, 100, false);
      LockSupport.parkNanos(SECONDS.toNanos(1) / 5);
      executor.shutdownNow();
      LockSupport.parkNanos(SECONDS.toNanos(1) / 5);
      StillWaiting.assertStillWaiting(lock, "a wait for the range");
      assertTrue(c.isOpen(), "the channel stays open");
      other.letGo();
      FileLock granted = lock.get(30, SECONDS);
      assertTrue(granted.isValid());
      assertEquals(300, c.size());
      granted.release();
    }
  }
}
