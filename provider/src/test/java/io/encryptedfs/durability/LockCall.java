package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A thread's call of {@code lock} on a range: the lock or the exception it ended with, and whether
 * the thread was still interrupted after it.
 */
record LockCall(
    Thread thread, CompletableFuture<Object> outcome, CompletableFuture<Boolean> interruptKept) {

  /**
   * Calls {@code channel.lock(position, size, false)} in a new platform thread named {@code name},
   * interrupted before the call if {@code interruptFirst}.
   */
  static LockCall start(
      FileChannel channel, long position, long size, String name, boolean interruptFirst) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    CompletableFuture<Boolean> interruptKept = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              if (interruptFirst) {
                Thread.currentThread().interrupt();
              }
              try {
                outcome.complete(channel.lock(position, size, false));
              } catch (Throwable e) {
                outcome.complete(e);
              }
              interruptKept.complete(Thread.currentThread().isInterrupted());
            },
            name);
    thread.start();
    return new LockCall(thread, outcome, interruptKept);
  }

  /**
   * Returns once the call's thread waits for the grant of an encrypted channel's lock (the wait in
   * the JDK runs on a thread of the provider's own, see {@link #waitingInTheJdk}).
   */
  void awaitWaiting() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (thread.getState() != Thread.State.WAITING) {
      assertFalse(outcome.isDone(), () -> "the lock call ended: " + outcome.join());
      assertTrue(
          System.nanoTime() < deadline,
          () ->
              "the lock call waits; its thread is "
                  + thread.getState()
                  + " at "
                  + Arrays.toString(thread.getStackTrace()));
      Thread.sleep(1);
    }
  }

  /** The provider's waiter threads blocked in the JDK's native lock call. */
  static int waitingInTheJdk() {
    int n = 0;
    for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
      if (t.getKey().getName().equals("encryptedfs-lock-wait")
          && Arrays.stream(t.getValue()).anyMatch(e -> e.getMethodName().startsWith("lock0"))) {
        n++;
      }
    }
    return n;
  }
}
