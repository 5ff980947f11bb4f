package io.encryptedfs.testing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A new thread per task, as servers on JDK 21 and later run requests: virtual threads where the JDK
 * has them, platform threads on JDK 17 (tests compile for 17, so the JDK 21 API is looked up).
 * Tests run on both JDKs (CI runs the provider's tests on 17 and 25).
 */
public final class TaskThreads {
  private static final MethodHandle VIRTUAL_PER_TASK = virtualPerTask();

  private TaskThreads() {}

  /** Whether {@link #perTask} starts virtual threads on this JDK. */
  public static boolean virtual() {
    return VIRTUAL_PER_TASK != null;
  }

  /** An executor that starts a new thread for each task. */
  public static ExecutorService perTask() {
    if (VIRTUAL_PER_TASK == null) {
      // No keep-alive: an idle thread ends at once, so (nearly) every task gets a new thread.
      return new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          0,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          task -> {
            Thread t = new Thread(task);
            t.setDaemon(true);
            return t;
          });
    }
    try {
      return (ExecutorService) VIRTUAL_PER_TASK.invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static MethodHandle virtualPerTask() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(
              Executors.class,
              "newVirtualThreadPerTaskExecutor",
              MethodType.methodType(ExecutorService.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }
}
