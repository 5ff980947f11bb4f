package io.encryptedfs.keystore;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A program for {@link OneCarrierTest}: many threads (virtual where the JDK has them) record audit
 * events while the audit file's disk is full, so that every append fails and is logged, through a
 * logging backend that, as a socket appender does, holds a lock of its own while it waits for its
 * output; a platform thread logs through it all along, as the application would. Prints {@code
 * done}, then how many failed appends the backend was told of, or the failure.
 *
 * <p>Arguments: a directory for the audit file.
 */
final class FullDiskAuditChild {
  static final int THREADS = 40;
  static final int ROUNDS = 20;

  // Held strongly: java.util.logging forgets loggers nobody references.
  private static final Logger AUDIT_LOGGER = Logger.getLogger(AuditLog.LOGGER_NAME);

  private FullDiskAuditChild() {}

  public static void main(String[] args) throws Exception {
    SlowBackend backend = new SlowBackend();
    AUDIT_LOGGER.setUseParentHandlers(false);
    AUDIT_LOGGER.setLevel(Level.ALL);
    AUDIT_LOGGER.addHandler(backend);
    Path file = Path.of(args[0]).resolve("audit.jsonl");
    FileChannel full =
        new FillingChannel(
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND),
            0);
    Thread application =
        new Thread(
            () -> {
              while (true) {
                AUDIT_LOGGER.info("the application's own record");
              }
            });
    application.setDaemon(true);
    application.start();
    try (AuditLog audit = new AuditLog(file, full)) {
      ExecutorService threads = VirtualThreads.perTaskExecutor();
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        calls.add(
            threads.submit(
                () -> {
                  for (int round = 0; round < ROUNDS; round++) {
                    audit.record(AuditEvent.Kind.FILE_REWRAPPED, "keys.p12", "k", Map.of());
                  }
                  return null;
                }));
      }
      for (Future<?> c : calls) {
        c.get(60, TimeUnit.SECONDS);
      }
      threads.shutdown();
    }
    System.out.println("done");
    System.out.println("failures " + backend.failures.get());
  }

  /** Publishes under a lock, pausing as a write to a socket would. */
  private static final class SlowBackend extends Handler {
    private final ReentrantLock lock = new ReentrantLock();
    final AtomicInteger failures = new AtomicInteger();

    @Override
    public void publish(LogRecord record) {
      lock.lock();
      try {
        LockSupport.parkNanos(100_000);
        if (record.getMessage().startsWith("cannot append")) {
          failures.incrementAndGet();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
