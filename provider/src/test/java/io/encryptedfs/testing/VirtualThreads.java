package io.encryptedfs.testing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Virtual threads for tests compiled for Java 17: found through method handles on JDK 21 and later,
 * platform threads on JDK 17, so that a test runs on both and exercises virtual threads where they
 * exist.
 */
public final class VirtualThreads {
  private static final MethodHandle UNSTARTED = unstartedHandle();
  private static final MethodHandle PER_TASK = perTaskHandle();

  private VirtualThreads() {}

  /** Whether the threads made here are virtual (JDK 21 and later). */
  public static boolean available() {
    return UNSTARTED != null && PER_TASK != null;
  }

  /** A thread running {@code task}, virtual where available, not yet started. */
  public static Thread unstarted(String name, Runnable task) {
    if (UNSTARTED == null) {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      return t;
    }
    try {
      Thread t = (Thread) UNSTARTED.invoke(task);
      t.setName(name);
      return t;
    } catch (Throwable e) {
      throw new AssertionError("Thread.ofVirtual().unstarted failed", e);
    }
  }

  /** {@link #unstarted}, started. */
  public static Thread start(String name, Runnable task) {
    Thread t = unstarted(name, task);
    t.start();
    return t;
  }

  /** A call that may throw anything. */
  public interface Call {
    Object run() throws Throwable;
  }

  /**
   * Runs {@code call} on a new thread, virtual where available; completes with what it returned, or
   * with what it threw.
   */
  public static CompletableFuture<Object> outcome(String name, Call call) {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    start(
        name,
        () -> {
          try {
            outcome.complete(call.run());
          } catch (Throwable e) {
            outcome.complete(e);
          }
        });
    return outcome;
  }

  /**
   * Runs every task at once, each on a thread of its own ({@link #perTaskExecutor}), and waits for
   * all of them, at most {@code seconds} each; throws the first failure or timeout.
   */
  public static void runAll(List<Callable<?>> tasks, long seconds) throws Exception {
    ExecutorService threads = perTaskExecutor();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (Callable<?> task : tasks) {
        all.add(threads.submit(task));
      }
      for (Future<?> f : all) {
        f.get(seconds, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** An executor with a new thread per task, virtual where available. */
  public static ExecutorService perTaskExecutor() {
    if (PER_TASK == null) {
      // No keep-alive: an idle thread ends at once, so (nearly) every task gets a new thread, as
      // servers that start one per request run them.
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
      return (ExecutorService) PER_TASK.invoke();
    } catch (Throwable e) {
      throw new AssertionError("Executors.newVirtualThreadPerTaskExecutor failed", e);
    }
  }

  /** Thread.ofVirtual().unstarted(Runnable), as a handle taking the task; null before JDK 21. */
  private static MethodHandle unstartedHandle() {
    try {
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      MethodHandle of =
          lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
      MethodHandle make =
          lookup.findVirtual(
              builder, "unstarted", MethodType.methodType(Thread.class, Runnable.class));
      return MethodHandles.foldArguments(
          make.asType(MethodType.methodType(Thread.class, ofVirtual, Runnable.class)), of);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  private static MethodHandle perTaskHandle() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(
              Executors.class,
              "newVirtualThreadPerTaskExecutor",
              MethodType.methodType(ExecutorService.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
