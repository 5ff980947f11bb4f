package io.encryptedfs.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A force the fault file system holds inside the underlying force until the test lets it go: the
 * state in which a force runs without the file's lock and its tail slot stays protected.
 *
 * <p>Count {@code release} down in a {@code finally} that covers the hold: a test whose assertion
 * fails first would otherwise leave the held thread waiting 30 s, making the failure slow and
 * keeping the pool's thread (and whatever the held call holds) busy.
 */
public final class HeldForce {
  private HeldForce() {}

  /**
   * Starts {@code channel.force(false)} on {@code pool} and returns once the fault file system
   * holds the next force of a raw file named {@code name} inside the underlying force, until {@code
   * release} opens. Later forces pass.
   */
  public static Future<?> start(
      FaultInjectingFileSystem faults,
      ExecutorService pool,
      FileChannel channel,
      String name,
      CountDownLatch started,
      CountDownLatch release)
      throws InterruptedException {
    AtomicBoolean armed = new AtomicBoolean(true);
    faults.dropForces(
        path -> {
          holdOnce(path, name, armed, started, release);
          return false;
        });
    Future<?> force =
        pool.submit(
            () -> {
              channel.force(false);
              return null;
            });
    assertTrue(started.await(30, TimeUnit.SECONDS));
    return force;
  }

  /**
   * In a fault hook: the first call for a raw file named {@code name} while {@code armed} disarms
   * it, opens {@code started}, and waits (at most 30 s) for {@code release}.
   */
  public static void holdOnce(
      Path path, String name, AtomicBoolean armed, CountDownLatch started, CountDownLatch release) {
    if (path.getFileName().toString().equals(name) && armed.getAndSet(false)) {
      started.countDown();
      try {
        assertTrue(release.await(30, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
