package io.encryptedfs.channel;

import io.encryptedfs.crypto.ThreadCache;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Runs a channel's close where a virtual thread would wait for the file's locks pinned to its
 * carrier. {@code AbstractInterruptibleChannel.close} calls {@code implCloseChannel} holding a
 * monitor of its own, and before JDK 24 (JEP 491) a virtual thread that parks while it holds a
 * monitor keeps its carrier: once enough closers wait so for a file's lock, no carrier is left for
 * the virtual thread the lock was handed to, and nothing moves again (seen on JDK 21: fifty virtual
 * threads writing one file under range locks, then closing their channels). There the close runs on
 * a platform thread ({@link OffCarrier}).
 *
 * <p>Only what {@code implCloseChannel} does goes to the other thread: it takes none of the locks
 * that its callers in this library hold when they close a channel.
 */
final class PinnedClose {
  /** Whether a virtual thread that holds a monitor parks on its carrier (JDK 21 to 23). */
  static final boolean MONITORS_PIN = Runtime.version().feature() < 24;

  private static final Executor THREADS =
      Executors.newCachedThreadPool(DaemonThreads.named("encryptedfs-close"));

  private PinnedClose() {}

  /** The body of a close. */
  interface Body {
    void run() throws IOException;
  }

  static void run(Body body) throws IOException {
    if (!MONITORS_PIN || !ThreadCache.onVirtualThread()) {
      body.run();
      return;
    }
    OffCarrier.call(
        THREADS,
        () -> {
          body.run();
          return null;
        });
  }
}
