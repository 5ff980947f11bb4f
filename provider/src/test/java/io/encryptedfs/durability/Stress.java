package io.encryptedfs.durability;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs named loops in threads of their own for a bounded time, all started together; the first
 * failure of any of them stops all and is rethrown, with the seed that chose their operations.
 */
final class Stress {
  /** One thread's work: called until the run stops or it returns false. */
  interface Step {
    boolean run() throws Exception;
  }

  private final long seed;
  private final List<String> names = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  Stress(long seed) {
    this.seed = seed;
  }

  Stress loop(String name, Step step) {
    names.add(name);
    steps.add(step);
    return this;
  }

  /**
   * Adds a loop that locks random ranges through {@code locking} and lets each go at once: giving
   * up the program's last lock hands the writer lock off (and writes a buffered tail); the next
   * write takes it again.
   */
  Stress locker(FileChannel locking) {
    Random random = new Random(seed + 30);
    return loop(
        "locker",
        () -> {
          FileLock lock = locking.lock(random.nextInt(50_000), 1 + random.nextInt(9_000), false);
          Thread.yield();
          lock.release();
          return true;
        });
  }

  /** Adds a loop that forces {@code channel}, with and without its metadata at random. */
  Stress forcer(FileChannel channel) {
    Random random = new Random(seed + 20);
    return loop(
        "forcer",
        () -> {
          channel.force(random.nextBoolean());
          return true;
        });
  }

  boolean stopped() {
    return stop.get();
  }

  /**
   * Runs every loop for {@code millis} (ten times as long in a soak run) or until each returns
   * false, then waits for them all; fails if one failed, or never completed a step.
   */
  void runFor(long millis) throws Exception {
    if (Soak.enabled()) {
      millis *= 10;
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CyclicBarrier start = new CyclicBarrier(steps.size() + 1);
    List<Thread> threads = new ArrayList<>();
    long[] counts = new long[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      int index = i;
      Step step = steps.get(i);
      String name = names.get(i);
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  while (!stop.get() && step.run()) {
                    counts[index]++;
                  }
                } catch (Throwable e) {
                  AssertionError named = new AssertionError(name + ", seed " + seed + ": " + e, e);
                  if (failure.compareAndSet(null, named)) {
                    stop.set(true);
                  }
                }
              },
              name);
      t.start();
      threads.add(t);
    }
    start.await();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!stop.get() && System.nanoTime() < deadline && anyAlive(threads)) {
      Thread.sleep(5);
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join(60_000);
      if (t.isAlive()) {
        failure.compareAndSet(
            null,
            new AssertionError(t.getName() + " still runs 60 s after the stop, seed " + seed));
      }
    }
    if (failure.get() == null) {
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          failure.set(new AssertionError(names.get(i) + " never completed a step, seed " + seed));
        }
      }
    }
    StringBuilder summary = new StringBuilder("stress steps, seed " + seed + ":");
    for (int i = 0; i < counts.length; i++) {
      summary.append(' ').append(names.get(i)).append('=').append(counts[i]);
    }
    System.out.println(summary);
    if (failure.get() != null) {
      if (failure.get() instanceof AssertionError a) {
        throw a;
      }
      throw new AssertionError(failure.get());
    }
  }

  private static boolean anyAlive(List<Thread> threads) {
    for (Thread t : threads) {
      if (t.isAlive()) {
        return true;
      }
    }
    return false;
  }
}
