package io.encryptedfs.channel;

import io.encryptedfs.crypto.ThreadCache;

/**
 * The provider's waits in {@code Object.wait}, each of which its caller repeats until what it waits
 * for has happened. On a virtual thread that a monitor pins to its carrier (JDK 21 to 23), a wait
 * lasts a short while at most, and each next one of the same caller twice as long, up to a second.
 *
 * <p>Why a short while: on JDK 21 a virtual thread that the waiting thread's carrier made runnable
 * just before (by letting a lock go, say) sits in that carrier's own queue. When the wait begins,
 * the JDK may make up for the blocked carrier by counting it idle without waking another one, and
 * then nothing runs that virtual thread until the carrier comes back; a wait for something that
 * thread is to do never ends. Seen with one carrier on a loaded machine in about 1 run of 30 of
 * fifty virtual threads writing and closing one file ({@code OneCarrierTest}): the close's wait for
 * its platform thread ({@link OffCarrier}), which waited for the file's lock, which had been handed
 * to that virtual thread. Each new wait makes up for the carrier again, which wakes an idle carrier
 * that finds the thread. A wait that a notification ends sooner costs nothing more, and every
 * caller here looks again at what it waits for after each wait.
 *
 * <p>Why longer each time: such a thread is stranded only when a wait begins, and the first new
 * wait frees it; waking every 10 ms for as long as a wait lasts (another program's lock may be held
 * for minutes) cost a core 8 % for 50 waiting virtual threads and 38 % for 200 on JDK 21.
 */
final class MonitorWaits {
  /** The longest first wait. */
  static final long FIRST_MILLIS = 10;

  /** The longest any wait lasts. */
  static final long MAX_MILLIS = 1000;

  private MonitorWaits() {}

  /**
   * {@code monitor.wait}, for at most {@code millis} on a pinned virtual thread; the caller holds
   * {@code monitor}. Returns how long the caller's next wait may last: {@link #next} of {@code
   * millis}, or {@code millis} where waits are not timed.
   */
  static long waitOn(Object monitor, long millis) throws InterruptedException {
    if (PinnedClose.MONITORS_PIN && ThreadCache.onVirtualThread()) {
      monitor.wait(millis);
      return next(millis);
    }
    monitor.wait();
    return millis;
  }

  /** The wait after one of {@code millis}: twice as long, up to {@link #MAX_MILLIS}. */
  static long next(long millis) {
    return Math.min(millis * 2, MAX_MILLIS);
  }
}
