package io.encryptedfs.channel;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs a call on a platform thread while the calling thread waits for it in {@code Object.wait}:
 * for a virtual thread pinned to its carrier by a monitor on JDK 21 to 23, a wait the JDK makes up
 * for with another carrier (up to {@code jdk.virtualThreadScheduler.maxPoolSize}), where a wait for
 * a lock would hold the carrier and add none ({@link PinnedClose}, {@link PinnedCalls}).
 */
final class OffCarrier {
  private OffCarrier() {}

  /** A call that may fail with an I/O error. */
  interface Call<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code call} on one of {@code threads} and returns what it returned or throws what it
   * threw; the caller's interrupt status is kept and does not end the wait. Where no thread can be
   * had, runs it on the caller's: at the risk of the pinned wait, which beats not running it.
   */
  static <T> T call(Executor threads, Call<T> call) throws IOException {
    Outcome<T> outcome = new Outcome<>();
    try {
      threads.execute(() -> outcome.end(call));
    } catch (RejectedExecutionException | OutOfMemoryError e) {
      return call.run();
    }
    return outcome.await();
  }

  /** The end of one call on the other thread, which the caller waits for. */
  private static final class Outcome<T> {
    private boolean ended;
    private T value;
    private Throwable failure;

    void end(Call<T> call) {
      T result = null;
      Throwable failed = null;
      try {
        result = call.run();
      } catch (Throwable t) {
        failed = t;
      }
      synchronized (this) {
        value = result;
        failure = failed;
        ended = true;
        notifyAll();
      }
    }

    synchronized T await() throws IOException {
      boolean interrupted = false;
      long millis = MonitorWaits.FIRST_MILLIS;
      while (!ended) {
        try {
          millis = MonitorWaits.waitOn(this, millis);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (failure != null) {
        throw Failures.rethrown(failure);
      }
      return value;
    }
  }
}
