package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UninterruptedTest {
  private static final long PAUSE = TimeUnit.MILLISECONDS.toNanos(50);

  @Test
  void aParkOnAnInterruptedThreadLastsItsTimeAndKeepsTheStatus() {
    Thread.currentThread().interrupt();
    long start = System.nanoTime();
    Uninterrupted.park(PAUSE);
    long took = System.nanoTime() - start;
    assertTrue(Thread.interrupted(), "the status is kept (and cleared here)");
    assertTrue(took >= PAUSE, "parked " + took + " ns");
  }

  @Test
  void anInterruptDuringAParkDoesNotCutItShort() throws Exception {
    CompletableFuture<long[]> result = new CompletableFuture<>();
    Thread parker =
        new Thread(
            () -> {
              long start = System.nanoTime();
              Uninterrupted.park(PAUSE);
              long took = System.nanoTime() - start;
              result.complete(new long[] {took, Thread.currentThread().isInterrupted() ? 1 : 0});
            });
    parker.start();
    for (int i = 0; i < 5; i++) {
      Thread.sleep(5);
      parker.interrupt();
    }
    long[] got = result.get(10, TimeUnit.SECONDS);
    assertTrue(got[0] >= PAUSE, "parked " + got[0] + " ns");
    assertEquals(1, got[1], "the interrupt is kept");
  }

  @Test
  void aCallRunsWithTheStatusClearedAndItIsSetAgainAfter() throws Exception {
    Thread.currentThread().interrupt();
    boolean seen = Uninterrupted.call(() -> Thread.currentThread().isInterrupted());
    assertEquals(false, seen);
    assertTrue(Thread.interrupted());
  }
}
