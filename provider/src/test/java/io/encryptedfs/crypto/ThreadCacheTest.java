package io.encryptedfs.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.VirtualThreads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadCacheTest {
  /** An object that knows whether a caller holds it. */
  static final class Held {
    final AtomicBoolean inUse = new AtomicBoolean();
  }

  private final AtomicInteger made = new AtomicInteger();

  private Held make() {
    made.incrementAndGet();
    return new Held();
  }

  @Test
  void aPooledObjectGivenBackIsTakenAgainOnAnotherThread() throws Exception {
    ThreadCache<Held> cache = ThreadCache.pooled(this::make);
    for (int i = 0; i < 20; i++) {
      Thread t =
          new Thread(
              () -> {
                Held h = cache.take();
                cache.give(h);
              });
      t.start();
      t.join();
    }
    assertEquals(1, made.get());
    assertEquals(1, cache.idleCount());
  }

  @Test
  void objectsTakenAndNotGivenBackAreDistinct() {
    ThreadCache<Held> cache = ThreadCache.pooled(this::make);
    Set<Held> taken = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < ThreadCache.SLOTS; i++) {
      assertTrue(taken.add(cache.take()));
    }
    taken.forEach(cache::give);
    assertEquals(ThreadCache.SLOTS, cache.idleCount());
    Set<Held> again = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < ThreadCache.SLOTS; i++) {
      again.add(cache.take());
    }
    assertEquals(taken, again);
    assertEquals(ThreadCache.SLOTS, made.get());
  }

  @Test
  void thePoolKeepsAtMostItsSlotsIdle() {
    ThreadCache<Held> cache = ThreadCache.pooled(this::make);
    List<Held> taken = new ArrayList<>();
    for (int i = 0; i < ThreadCache.SLOTS + 5; i++) {
      taken.add(cache.take());
    }
    taken.forEach(cache::give);
    assertEquals(ThreadCache.SLOTS, cache.idleCount());
  }

  @Test
  void aPlatformThreadKeepsItsOwnObjectOutsideThePool() throws InterruptedException {
    ThreadCache<Held> cache = ThreadCache.of(this::make);
    Held first = cache.take();
    cache.give(first);
    Held second = cache.take();
    cache.give(second);
    assertSame(first, second);
    assertEquals(0, cache.idleCount());
    Held[] other = new Held[1];
    Thread t = new Thread(() -> other[0] = cache.take());
    t.start();
    t.join();
    assertNotSame(first, other[0]);
  }

  /**
   * The case the pool is for: a new thread per task. On JDK 21 and later those are virtual threads
   * and share one object; on JDK 17 they are platform threads, each with its own.
   */
  @Test
  void tasksOnNewThreadsShareThePoolOnlyWhenTheyAreVirtual() throws Exception {
    ThreadCache<Held> cache = ThreadCache.of(this::make);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    ExecutorService tasks = VirtualThreads.perTaskExecutor();
    try {
      for (int i = 0; i < 50; i++) {
        tasks
            .submit(
                () -> {
                  threads.add(Thread.currentThread());
                  cache.give(cache.take());
                })
            .get();
      }
    } finally {
      tasks.shutdown();
    }
    if (VirtualThreads.available()) {
      assertEquals(50, threads.size());
      assertEquals(1, made.get());
      assertEquals(1, cache.idleCount());
    } else {
      assertEquals(threads.size(), made.get());
      assertEquals(0, cache.idleCount());
    }
  }

  @Test
  void noObjectIsHeldByTwoThreadsAtOnce() throws Exception {
    ThreadCache<Held> cache = ThreadCache.pooled(this::make);
    AtomicInteger overlaps = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        runs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20_000; i++) {
                    Held h = cache.take();
                    if (!h.inUse.compareAndSet(false, true)) {
                      overlaps.incrementAndGet();
                    }
                    Thread.onSpinWait();
                    h.inUse.set(false);
                    cache.give(h);
                  }
                }));
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(0, overlaps.get());
    assertTrue(made.get() <= 4 + ThreadCache.SLOTS, "made " + made.get());
    assertFalse(cache.idleCount() > ThreadCache.SLOTS);
  }
}
