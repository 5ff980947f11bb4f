package io.encryptedfs.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Asserts that a task is still waiting. A bare {@code assertFalse(task.isDone())} fails with
 * "expected: false", and a task that failed at once (which is how a waiting call usually goes
 * wrong) hides its exception; this says what was expected and how the task ended instead.
 */
public final class StillWaiting {
  private StillWaiting() {}

  /**
   * Whether a thread in {@code state} waits: a virtual thread that a monitor pins waits a short
   * while at a time on JDK 21 to 23 ({@code MonitorWaits}), so its wait is a timed one.
   */
  public static boolean waits(Thread.State state) {
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  /** Fails, naming {@code expected} and the task's result or exception, if {@code task} ended. */
  public static void assertStillWaiting(Future<?> task, String expected) {
    if (!task.isDone()) {
      return;
    }
    try {
      fail("expected " + expected + ", but it ended with " + task.get());
    } catch (ExecutionException e) {
      fail("expected " + expected + ", but it failed", e.getCause());
    } catch (CancellationException e) {
      fail("expected " + expected + ", but it was cancelled", e);
    } catch (InterruptedException e) {
      // get() of a task that is done does not wait, so this cannot happen; keep the flag anyway.
      Thread.currentThread().interrupt();
      fail("interrupted while reporting how a task ended", e);
    }
  }
}
