package io.encryptedfs.channel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.ChildJvm;
import io.encryptedfs.testing.VirtualThreads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * Taking a lock, and waiting on its condition, inside a synchronized method on a virtual thread
 * ({@link PinnedLocks}): the lock is had once its holder lets it go, an interrupt is kept and does
 * not end the wait, and on one carrier a holder that needs the carrier to let go still runs.
 */
class PinnedLocksTest {
  private static final boolean PINS = VirtualThreads.available() && PinnedClose.MONITORS_PIN;

  private final ReentrantLock lock = new ReentrantLock();

  @Test
  void aLockAnotherHoldsIsHadOnceLetGoAndAnInterruptIsKept() throws Exception {
    CountDownLatch taken = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              lock.lock();
              taken.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                lock.unlock();
              }
            });
    holder.start();
    assertTrue(taken.await(10, TimeUnit.SECONDS));
    CountDownLatch interrupted = new CountDownLatch(1);
    CompletableFuture<Object> outcome =
        VirtualThreads.outcome(
            "waiter",
            () -> {
              Thread.currentThread().interrupt();
              interrupted.countDown();
              return synchronizedLock();
            });
    assertTrue(interrupted.await(10, TimeUnit.SECONDS));
    Thread.sleep(3 * PinnedLocks.MAX_PAUSE_MILLIS);
    assertFalse(outcome.isDone(), "the waiter took a lock another holds");
    release.countDown();
    assertEquals(List.of(true, true), outcome.get(10, TimeUnit.SECONDS));
    holder.join();
  }

  /** Whether the caller held the lock, and was still interrupted, once {@code lock} returned. */
  private synchronized List<Boolean> synchronizedLock() {
    PinnedLocks.lock(lock);
    try {
      return List.of(lock.isHeldByCurrentThread(), Thread.currentThread().isInterrupted());
    } finally {
      lock.unlock();
    }
  }

  /**
   * A reader comes after a writer already waiting for the lock, as with the read lock's own {@code
   * lock()}: a read lock's untimed {@code tryLock} is had while a writer waits, so readers that
   * keep coming could keep the writer out for good.
   */
  @Test
  void aReaderWaitsBehindAWaitingWriter() throws Exception {
    ReentrantReadWriteLock file = new ReentrantReadWriteLock();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    file.readLock().lock();
    Thread writer =
        new Thread(
            () -> {
              file.writeLock().lock();
              order.add("writer");
              file.writeLock().unlock();
            });
    writer.start();
    while (!file.hasQueuedThread(writer)) {
      Thread.onSpinWait();
    }
    CompletableFuture<Object> reader =
        VirtualThreads.outcome("reader", () -> synchronizedRead(file, order));
    Thread.sleep(3 * PinnedLocks.MAX_PAUSE_MILLIS);
    assertFalse(reader.isDone(), "the reader went before the waiting writer");
    file.readLock().unlock();
    assertEquals(true, reader.get(10, TimeUnit.SECONDS));
    writer.join();
    assertEquals(List.of("writer", "reader"), order);
  }

  private synchronized boolean synchronizedRead(ReentrantReadWriteLock file, List<String> order) {
    PinnedLocks.lock(file.readLock());
    try {
      order.add("reader");
      return true;
    } finally {
      file.readLock().unlock();
    }
  }

  /**
   * A queued wait that times out while the lock keeps changing hands queues again, for longer,
   * without a pause: each pause may cost the JDK a new carrier, and a wait that only ever went back
   * to the tail of a queue longer than its timeout would never get through. Ten platform threads
   * take a fair lock in turn for 2 ms each, so that a virtual thread queued behind them waits about
   * 20 ms, twice its first queued wait. Before the waits grew, it paused about every 11 ms while
   * the ten took turns. A pause is allowed for a holder that a loaded machine kept off a CPU for a
   * whole queued wait: nothing changed hands then.
   */
  @Test
  void aWaitBehindALockChangingHandsQueuesAgainWithoutPausing() throws Exception {
    ReentrantLock fair = new ReentrantLock(true);
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> takers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Thread t =
          new Thread(
              () -> {
                while (!stop.get()) {
                  PinnedLocks.lock(fair);
                  try {
                    LockSupport.parkNanos(2_000_000);
                  } finally {
                    fair.unlock();
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      takers.add(t);
    }
    Thread.sleep(50);
    long pausesBefore = PinnedLocks.pauses();
    CompletableFuture<Object> waiter =
        VirtualThreads.outcome(
            "waiter",
            () -> {
              PinnedLocks.lock(fair);
              fair.unlock();
              return !stop.get();
            });
    Thread.sleep(500);
    stop.set(true);
    Object hadItWhileTheyTookTurns = waiter.get(10, TimeUnit.SECONDS);
    for (Thread t : takers) {
      t.join();
    }
    assertTrue(
        PinnedLocks.pauses() - pausesBefore <= 2,
        "pauses: " + (PinnedLocks.pauses() - pausesBefore));
    assertEquals(true, hadItWhileTheyTookTurns);
  }

  @Test
  void aConditionsWaitLetsTheLockGoAndHoldsItAgain() throws Exception {
    ReentrantReadWriteLock file = new ReentrantReadWriteLock();
    ForceEnded ended = new ForceEnded(file);
    CountDownLatch holding = new CountDownLatch(1);
    boolean[] done = {false};
    CompletableFuture<Object> outcome =
        VirtualThreads.outcome("writer", () -> synchronizedAwait(file, ended, holding, done));
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    // Had only once the writer waits and so lets it go.
    file.writeLock().lock();
    try {
      done[0] = true;
    } finally {
      file.writeLock().unlock();
    }
    ended.signalAll();
    assertEquals(List.of(1, true), outcome.get(10, TimeUnit.SECONDS));
  }

  /**
   * Waits until {@code done}; returns the write lock's hold count after, and whether the caller
   * waited at all.
   */
  private synchronized List<Object> synchronizedAwait(
      ReentrantReadWriteLock file, ForceEnded ended, CountDownLatch holding, boolean[] done) {
    PinnedLocks.lock(file.writeLock());
    try {
      holding.countDown();
      int waits = 0;
      while (!done[0]) {
        ended.await();
        waits++;
      }
      return List.of(file.writeLock().getHoldCount(), waits > 0);
    } finally {
      file.writeLock().unlock();
    }
  }

  /**
   * With one carrier, a virtual thread that holds the lock and sleeps needs the carrier to wake and
   * let go: through {@link PinnedLocks} the pinned waiter gets the lock; through the lock's own
   * {@code lock()} it keeps the carrier and neither thread ever ends on JDK 21 to 23, which shows
   * that this program tests what it means to.
   */
  @Test
  void onOneCarrierTheHolderStillRuns() throws Exception {
    assertEquals("done", runOnOneCarrier("pinned"));
    assertEquals(PINS ? "hung" : "done", runOnOneCarrier("plain"));
  }

  private static String runOnOneCarrier(String how) throws Exception {
    Process child =
        ChildJvm.start(
            List.of("-Djdk.virtualThreadScheduler.parallelism=1"), PinnedLockChild.class, how);
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the program ended");
      String line = out.readLine();
      assertEquals(0, child.exitValue(), "exit status; it printed " + line);
      return line;
    } finally {
      child.destroyForcibly();
    }
  }
}
