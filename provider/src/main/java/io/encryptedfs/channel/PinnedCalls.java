package io.encryptedfs.channel;

import io.encryptedfs.crypto.ThreadCache;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Runs a channel's read or write where a virtual thread would wait for the file's lock pinned to
 * its carrier: on JDK 21 to 23, called from a synchronized method ({@link SynchronizedFrames}),
 * while the lock is taken. The JDK's stream over a channel reads and writes in such a method, and
 * {@code Files.readAllBytes} and {@code readString} read through it: twenty-five virtual threads
 * reading a file so while twenty-five wrote it never ended on one carrier on JDK 21. There the call
 * runs on a platform thread ({@link OffCarrier}). Elsewhere, and while the lock is free, it runs on
 * the caller's thread: a virtual thread that holds no monitor leaves its carrier while it waits,
 * and one that waited in {@code Object.wait} instead would hold it, with no carrier to add where
 * the scheduler is held to its cores.
 *
 * <p>A lock taken between the look and the call's take of it is waited for without the carrier
 * ({@link PinnedLocks}). A {@code synchronized} block of the caller's still pins: only methods say
 * so in what the stack shows.
 */
final class PinnedCalls {
  /**
   * Whether this JDK has virtual threads that a monitor pins (19 to 23); where not, callers skip
   * {@link #call} and its lambdas altogether.
   */
  static final boolean APPLY = Runtime.version().feature() >= 19 && PinnedClose.MONITORS_PIN;

  private static final Executor THREADS =
      Executors.newCachedThreadPool(DaemonThreads.named("encryptedfs-pinned-io"));

  private PinnedCalls() {}

  static <T> T call(BooleanSupplier lockTaken, OffCarrier.Call<T> call) throws IOException {
    if (!PinnedClose.MONITORS_PIN
        || !ThreadCache.onVirtualThread()
        || !lockTaken.getAsBoolean()
        || !SynchronizedFrames.onStack()) {
      return call.run();
    }
    return OffCarrier.call(THREADS, call);
  }
}
