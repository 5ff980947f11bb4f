package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.VirtualThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A wait ends on its own only where a short one is needed: on a virtual thread that its monitor
 * pins (JDK 21 to 23). Elsewhere it lasts until a notification, as {@code Object.wait()} does.
 */
class MonitorWaitsTest {
  private final Object monitor = new Object();
  private final CountDownLatch waiting = new CountDownLatch(1);

  /**
   * A thread, virtual where the JDK has them, that waits on {@link #monitor} until {@code done}
   * after a wait; {@link #waiting} once it holds the monitor.
   */
  private CompletableFuture<Object> waiter(BooleanSupplier done) throws InterruptedException {
    CompletableFuture<Object> ended =
        VirtualThreads.outcome(
            "waiter",
            () -> {
              synchronized (monitor) {
                waiting.countDown();
                do {
                  MonitorWaits.waitOn(monitor, MonitorWaits.FIRST_MILLIS);
                } while (!done.getAsBoolean());
              }
              return "ended";
            });
    assertTrue(waiting.await(10, TimeUnit.SECONDS));
    return ended;
  }

  @Test
  void onlyAPinnedVirtualThreadsWaitEndsUnnotified() throws Exception {
    CompletableFuture<Object> oneWait = waiter(() -> true);
    boolean ended;
    try {
      // A hundred times the short wait: on a loaded machine the waiter may not run again at once.
      oneWait.get(MonitorWaits.FIRST_MILLIS * 100, TimeUnit.MILLISECONDS);
      ended = true;
    } catch (TimeoutException e) {
      ended = false;
    } finally {
      synchronized (monitor) {
        monitor.notifyAll();
      }
    }
    assertEquals(VirtualThreads.available() && PinnedClose.MONITORS_PIN, ended);
  }

  @Test
  void eachNextWaitIsTwiceAsLongUpToTheLongest() {
    assertEquals(20, MonitorWaits.next(MonitorWaits.FIRST_MILLIS));
    assertEquals(640, MonitorWaits.next(320));
    assertEquals(MonitorWaits.MAX_MILLIS, MonitorWaits.next(640));
    assertEquals(MonitorWaits.MAX_MILLIS, MonitorWaits.next(MonitorWaits.MAX_MILLIS));
  }

  @Test
  void aNotificationEndsTheWait() throws Exception {
    boolean[] notified = {false};
    CompletableFuture<Object> ended = waiter(() -> notified[0]);
    assertFalse(ended.isDone());
    synchronized (monitor) {
      notified[0] = true;
      monitor.notifyAll();
    }
    assertEquals("ended", ended.get(10, TimeUnit.SECONDS));
  }
}
