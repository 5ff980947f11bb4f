package io.encryptedfs.crypto;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Reusable per-thread objects (a cipher, scratch buffers) that are costly to make: one per platform
 * thread, kept in a {@link ThreadLocal}; and for virtual threads a small shared pool.
 *
 * <p>Why a pool for virtual threads: a program on JDK 21 or later may start a virtual thread per
 * task, and a thread-local would then make a new {@code Cipher} (its {@code getInstance} and key
 * schedule) and new block-sized buffers for every task and leave them as garbage when it ends, each
 * cipher still holding the expanded key it last used. On JDK 25 here a random 4 KiB read on a new
 * virtual thread allocated 9.9 KB with AES-GCM that way, 1.6 KB with the pool (plain: 0.4 KB;
 * {@code TaskThreadReadBench}, benchmarks/RESULTS.md). The pool keeps at most {@link #SLOTS} idle
 * objects; beyond that a task makes its own, dropped after use. Platform threads keep the
 * thread-local: it costs less than the pool's atomic exchanges, and a platform thread lives long
 * enough to reuse its object.
 *
 * <p>Every {@link #take} is paired with a {@link #give} of the same object on the same thread, in a
 * {@code finally}; between the two the object is the caller's alone.
 */
public final class ThreadCache<T> {
  /** Idle objects kept for virtual threads. */
  static final int SLOTS =
      Math.min(64, Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));

  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private final Supplier<T> factory;
  private final ThreadLocal<T> perThread;
  private final BooleanSupplier pooled;
  private final AtomicReferenceArray<T> idle = new AtomicReferenceArray<>(SLOTS);

  private ThreadCache(Supplier<T> factory, BooleanSupplier pooled) {
    this.factory = factory;
    this.perThread = ThreadLocal.withInitial(factory);
    this.pooled = pooled;
  }

  /** A cache of objects made by {@code factory}. */
  public static <T> ThreadCache<T> of(Supplier<T> factory) {
    return new ThreadCache<>(factory, ThreadCache::onVirtualThread);
  }

  /** A cache whose threads all take from the pool (tests, on any JDK). */
  static <T> ThreadCache<T> pooled(Supplier<T> factory) {
    return new ThreadCache<>(factory, () -> true);
  }

  /** This thread's object, or an idle one from the pool on a virtual thread. */
  public T take() {
    if (!pooled.getAsBoolean()) {
      return perThread.get();
    }
    for (int i = 0; i < SLOTS; i++) {
      if (idle.get(i) != null) {
        T t = idle.getAndSet(i, null);
        if (t != null) {
          return t;
        }
      }
    }
    return factory.get();
  }

  /** Gives back what {@link #take} returned on this thread; the caller no longer uses it. */
  public void give(T t) {
    if (!pooled.getAsBoolean()) {
      return;
    }
    for (int i = 0; i < SLOTS; i++) {
      if (idle.get(i) == null && idle.compareAndSet(i, null, t)) {
        return;
      }
    }
  }

  /** Idle objects in the pool (tests). */
  int idleCount() {
    int n = 0;
    for (int i = 0; i < SLOTS; i++) {
      if (idle.get(i) != null) {
        n++;
      }
    }
    return n;
  }

  /** {@code Thread.isVirtual()} where the JDK has it (21 and later; this library runs on 17). */
  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /** Whether the calling thread is a virtual thread (never on JDK 17, which has none). */
  public static boolean onVirtualThread() {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
    } catch (Throwable e) {
      throw new IllegalStateException("Thread.isVirtual failed", e);
    }
  }
}
