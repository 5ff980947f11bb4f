package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What {@link SynchronizedFrames} sees, each on a new thread of its own, whose stack holds nothing
 * but the call.
 */
class SynchronizedFramesTest {
  private static boolean onFreshThread(Supplier<Boolean> call) throws Exception {
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    Thread t = new Thread(() -> seen.complete(call.get()));
    t.start();
    t.join();
    return seen.get();
  }

  private synchronized boolean insideSynchronizedMethod() {
    return deeper();
  }

  private boolean deeper() {
    return SynchronizedFrames.onStack();
  }

  private boolean insideSynchronizedBlock() {
    synchronized (this) {
      return SynchronizedFrames.onStack();
    }
  }

  @Test
  void aSynchronizedMethodAnywhereBelowIsSeen() throws Exception {
    assertEquals(true, onFreshThread(this::insideSynchronizedMethod));
    assertEquals(true, onFreshThread(this::insideSynchronizedMethod), "and again, from the cache");
  }

  @Test
  void noSynchronizedMethodIsNoneSeen() throws Exception {
    assertEquals(false, onFreshThread(this::deeper));
  }

  @Test
  void aSynchronizedBlockIsNotSeen() throws Exception {
    assertEquals(false, onFreshThread(this::insideSynchronizedBlock));
  }

  @Test
  void overloadsAreToldApart() throws Exception {
    assertEquals(true, onFreshThread(() -> overloaded(1)));
    assertEquals(false, onFreshThread(() -> overloaded("1")));
  }

  private synchronized boolean overloaded(int x) {
    return SynchronizedFrames.onStack();
  }

  private boolean overloaded(String x) {
    return SynchronizedFrames.onStack();
  }
}
