package io.encryptedfs.keystore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads for tests compiled for Java 17: found through a method handle on JDK 21 and
 * later, platform threads on JDK 17, so that a test runs on both and exercises virtual threads
 * where they exist.
 */
final class VirtualThreads {
  private VirtualThreads() {}

  /** Whether {@link #perTaskExecutor} makes virtual threads (JDK 21 and later). */
  static boolean available() {
    return Runtime.version().feature() >= 21;
  }

  /** An executor with a new thread per task, virtual where available. */
  static ExecutorService perTaskExecutor() {
    if (!available()) {
      return Executors.newCachedThreadPool(
          task -> {
            Thread t = new Thread(task);
            t.setDaemon(true);
            return t;
          });
    }
    try {
      return (ExecutorService)
          MethodHandles.publicLookup()
              .findStatic(
                  Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class))
              .invoke();
    } catch (Throwable e) {
      throw new AssertionError("Executors.newVirtualThreadPerTaskExecutor failed", e);
    }
  }
}
