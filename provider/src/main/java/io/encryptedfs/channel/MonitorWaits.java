package io.encryptedfs.channel;

import io.encryptedfs.crypto.ThreadCache;

/**
 * The provider's waits in {@code Object.wait}, each of which its caller repeats until what it waits
 * for has happened. On a virtual thread that a monitor pins to its carrier (JDK 21 to 23), one wait
 * lasts a short while at most.
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
 */
final class MonitorWaits {
  /** The longest one wait lasts. */
  static final long MILLIS = 10;

  private MonitorWaits() {}

  /**
   * {@code monitor.wait}, for at most {@link #MILLIS} on a pinned virtual thread; the caller holds
   * {@code monitor}.
   */
  static void waitOn(Object monitor) throws InterruptedException {
    if (PinnedClose.MONITORS_PIN && ThreadCache.onVirtualThread()) {
      monitor.wait(MILLIS);
    } else {
      monitor.wait();
    }
  }
}
