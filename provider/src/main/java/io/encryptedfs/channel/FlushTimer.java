package io.encryptedfs.channel;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread ({@code encryptedfs-tail-flush}) of a file system that runs buffered files'
 * delayed tail writes, started at the first one. One thread serves every file because no flush
 * waits long for its file: one that finds the file's lock held is scheduled again instead ({@link
 * SessionEnd#timedFlush}, {@link DelayedTail}). Its own lock: it is taken under an open file's
 * write lock, and the registry's monitor is taken before open files' locks, so sharing the monitor
 * could deadlock.
 */
final class FlushTimer implements TailFlusher {
  private final Object lock = new Object();
  private ScheduledExecutorService timer;
  private boolean shutDown;

  @Override
  public void schedule(Runnable flush, Duration delay) {
    synchronized (lock) {
      if (shutDown) {
        return;
      }
      if (timer == null) {
        timer =
            Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("encryptedfs-tail-flush"));
      }
      timer.schedule(flush, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Drops every pending flush (the file system's close writes them itself), and every one scheduled
   * later, a busy file's next try included; stops the thread.
   */
  void shutdown() {
    synchronized (lock) {
      shutDown = true;
      if (timer != null) {
        timer.shutdownNow();
      }
    }
  }
}
