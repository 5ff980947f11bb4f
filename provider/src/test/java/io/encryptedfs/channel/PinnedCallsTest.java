package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Where a read or write runs ({@link PinnedCalls}): on a platform thread of its own only for a
 * virtual thread on a JDK that pins (21 to 23), inside a synchronized method, while the lock is
 * taken; on the caller's thread otherwise.
 */
class PinnedCallsTest {
  private static final boolean OFF_CARRIER = PinnedCalls.APPLY && VirtualThreads.available();

  private static String threadOf(boolean lockTaken) throws IOException {
    return PinnedCalls.call(() -> lockTaken, () -> Thread.currentThread().getName());
  }

  private synchronized String synchronizedThreadOf(boolean lockTaken) throws IOException {
    return threadOf(lockTaken);
  }

  private Object onVirtualThread(VirtualThreads.Call call) throws Exception {
    return VirtualThreads.outcome("caller", call).get();
  }

  @Test
  void aTakenLockInsideASynchronizedMethodRunsOffTheCarrier() throws Exception {
    assertEquals(
        OFF_CARRIER ? "encryptedfs-pinned-io" : "caller",
        onVirtualThread(() -> synchronizedThreadOf(true)));
  }

  @Test
  void aFreeLockOrNoSynchronizedMethodRunsOnTheCaller() throws Exception {
    assertEquals("caller", onVirtualThread(() -> synchronizedThreadOf(false)));
    assertEquals("caller", onVirtualThread(() -> threadOf(true)));
  }

  @Test
  void theFailureReachesTheCaller() throws Exception {
    IOException failure = new IOException("/f: block 3: failed authentication");
    Object thrown = onVirtualThread(() -> synchronizedFailure(failure));
    assertSame(failure, thrown);
  }

  private synchronized IOException synchronizedFailure(IOException failure) {
    return assertThrows(
        IOException.class,
        () ->
            PinnedCalls.call(
                () -> true,
                () -> {
                  throw failure;
                }));
  }
}
