package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the force of an asynchronous channel on a thread of its own, which no caller's interrupt
 * reaches, and waits for it whatever the caller's interrupt status, which it keeps: the JDK's
 * asynchronous channel's force is not interruptible. On the caller's thread, an interrupt landing
 * during the {@code fsync} would close the file's shared underlying channel and fail the force,
 * which is not repeated ({@link RawFile#force}).
 *
 * <p>Not the channel's executor: a force called from one of its tasks (a completion handler) could
 * wait there for a thread that only it would free.
 */
final class ForceThreads {
  private static final ExecutorService THREADS =
      Executors.newCachedThreadPool(DaemonThreads.named("encryptedfs-force"));

  private ForceThreads() {}

  static void force(FileChannel channel, boolean metaData) throws IOException {
    Future<Void> done =
        THREADS.submit(
            () -> {
              channel.force(metaData);
              return null;
            });
    boolean interrupted = false;
    try {
      while (true) {
        try {
          done.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw Failures.rethrown(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
