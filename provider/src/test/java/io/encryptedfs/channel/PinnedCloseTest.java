package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Where a close runs ({@link PinnedClose}): on the caller's thread, but for a virtual thread on a
 * JDK that pins it while it holds a monitor (21 to 23), where it runs on a platform thread of its
 * own and the caller gets its outcome.
 */
class PinnedCloseTest {
  @Test
  void aVirtualThreadOnAJdkThatPinsClosesOnAPlatformThread() throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    Thread caller =
        (Thread)
            VirtualThreads.outcome(
                    "closer",
                    () -> {
                      PinnedClose.run(() -> ranOn.set(Thread.currentThread()));
                      return Thread.currentThread();
                    })
                .get();
    boolean offCarrier = PinnedClose.MONITORS_PIN && VirtualThreads.available();
    if (offCarrier) {
      assertEquals("encryptedfs-close", ranOn.get().getName());
      assertTrue(ranOn.get().isDaemon());
    } else {
      assertSame(caller, ranOn.get(), "no pinning here: the caller's own thread");
    }
  }

  @Test
  void theCloseFailureReachesTheCaller() throws Exception {
    IOException failure = new IOException("/f: the tail could not be written");
    Object thrown =
        VirtualThreads.outcome(
                "closer",
                () ->
                    assertThrows(
                        IOException.class,
                        () ->
                            PinnedClose.run(
                                () -> {
                                  throw failure;
                                })))
            .get();
    assertSame(failure, thrown);
    // Run on another thread, it carries the caller's stack beside its own (Failures.rethrown).
    int callerStacks = PinnedClose.MONITORS_PIN && VirtualThreads.available() ? 1 : 0;
    assertEquals(callerStacks, failure.getSuppressed().length);
  }

  @Test
  void anInterruptedCallerWaitsForTheCloseAndKeepsItsStatus() throws Exception {
    AtomicReference<Boolean> interruptedInside = new AtomicReference<>();
    Object keptStatus =
        VirtualThreads.outcome(
                "closer",
                () -> {
                  Thread.currentThread().interrupt();
                  PinnedClose.run(
                      () -> {
                        Uninterrupted.park(20_000_000);
                        interruptedInside.set(Thread.currentThread().isInterrupted());
                      });
                  return Thread.currentThread().isInterrupted();
                })
            .get();
    assertEquals(true, keptStatus, "the caller's interrupt status after the close");
    assertEquals(
        !(PinnedClose.MONITORS_PIN && VirtualThreads.available()),
        interruptedInside.get(),
        "the close's thread sees the status only where it is the caller's");
  }
}
