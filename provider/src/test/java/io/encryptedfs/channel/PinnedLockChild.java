package io.encryptedfs.channel;

import io.encryptedfs.testing.VirtualThreads;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A program for {@link PinnedLocksTest}, run with one carrier: a virtual thread holds a lock while
 * it sleeps, and another waits for the lock inside a synchronized method, which on JDK 21 to 23
 * pins it to the carrier the sleeper needs to wake on. Prints {@code done} once both ended, or
 * {@code hung} if they had not within seconds.
 *
 * <p>Arguments: {@code pinned} to take the lock through {@link PinnedLocks#lock}, {@code plain} to
 * call the lock's own {@code lock()}.
 */
public final class PinnedLockChild {
  private static final ReentrantLock LOCK = new ReentrantLock();

  private PinnedLockChild() {}

  public static void main(String[] args) throws Exception {
    boolean pinned = args[0].equals("pinned");
    CountDownLatch held = new CountDownLatch(1);
    Thread holder =
        VirtualThreads.start(
            "holder",
            () -> {
              LOCK.lock();
              try {
                held.countDown();
                Thread.sleep(500);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                LOCK.unlock();
              }
            });
    held.await();
    Thread waiter = VirtualThreads.start("waiter", () -> takeUnderMonitor(pinned));
    // The holder lets go after half a second, and the waiter then takes the lock at once.
    holder.join(TimeUnit.SECONDS.toMillis(3));
    waiter.join(TimeUnit.SECONDS.toMillis(1));
    System.out.println(holder.isAlive() || waiter.isAlive() ? "hung" : "done");
    System.out.flush();
    // A hung thread holds the only carrier; the JVM could not end on its own.
    Runtime.getRuntime().halt(0);
  }

  private static synchronized void takeUnderMonitor(boolean pinned) {
    if (pinned) {
      PinnedLocks.lock(LOCK);
    } else {
      LOCK.lock();
    }
    LOCK.unlock();
  }
}
