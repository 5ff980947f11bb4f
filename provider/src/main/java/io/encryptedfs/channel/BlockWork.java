package io.encryptedfs.channel;

import io.encryptedfs.Algorithm;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits the sealing or opening of a long run of blocks between the calling thread and a few
 * crypto threads, so that one large read or write uses more than one core for the cipher. A serial
 * seal-then-write cannot beat {@code 1 / (1/io + 1/cipher)}; with the cipher spread over the cores
 * that bound rises towards the I/O speed.
 *
 * <p>Only the cipher work is spread: the caller still issues every raw read and write itself, in
 * the same order as before, so the crash ordering of the write path is unchanged. Each share works
 * on its own blocks, its own slice of the output and its own per-thread cipher and scratch, and the
 * caller waits for every share before it uses the results.
 *
 * <p>Handing work to another thread costs tens of microseconds here (a parked thread must wake),
 * and a share only pays for that when its cipher work takes much longer. So a share holds at least
 * {@link #minBlocksPerShare} blocks (256 KiB), and, once the {@link Cost} of the work is known, at
 * least {@link #MIN_SHARE_NANOS} of it: on JDK 25, AES-GCM opens 512 KiB in under 100 µs and is
 * faster left on one thread, while JDK 17's ChaCha20 (no intrinsics) seals twice as fast on two.
 * The cost is learned from the runs themselves, timing the caller's own part.
 */
final class BlockWork {
  /** Cleartext bytes below which a share is not worth a handoff; tests lower it. */
  static final String MIN_SHARE_PROPERTY = "encryptedfs.crypto.minShareBytes";

  private static final int DEFAULT_MIN_SHARE_BYTES = 256 * 1024;
  private static final int MIN_SHARE_BYTES =
      Math.max(1, Integer.getInteger(MIN_SHARE_PROPERTY, DEFAULT_MIN_SHARE_BYTES));
  /** A lowered threshold is a test's request to share every run it can, whatever the cost. */
  private static final boolean ALWAYS_SHARE = MIN_SHARE_BYTES < DEFAULT_MIN_SHARE_BYTES;
  /** The least cipher work, in nanoseconds, worth handing to another thread. */
  static final long MIN_SHARE_NANOS = 150_000;
  private static final int HELPERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);

  /**
   * What one block of one kind of work (opening or sealing, with one algorithm) costs on this
   * machine and JDK: a moving average of the caller's own timed parts.
   */
  static final class Cost {
    private volatile long nanosPerBlock;

    /** 0 until the first run is timed. */
    long nanosPerBlock() {
      return nanosPerBlock;
    }

    void record(long nanos, int blocks) {
      if (blocks <= 0 || nanos <= 0) {
        return;
      }
      long sample = Math.max(1, nanos / blocks);
      long old = nanosPerBlock;
      nanosPerBlock = old == 0 ? sample : (3 * old + sample) / 4;
    }
  }

  /** One share of a run: blocks {@code from..to} (inclusive), counted from the run's start. */
  interface Share {
    void run(int from, int to) throws IOException;
  }

  private BlockWork() {}

  /** The smallest share, in blocks of {@code blockSize} bytes. */
  static int minBlocksPerShare(int blockSize) {
    return Math.max(1, MIN_SHARE_BYTES / blockSize);
  }

  private static final Map<Algorithm, Cost> OPEN_COSTS = costs();
  private static final Map<Algorithm, Cost> SEAL_COSTS = costs();

  private static Map<Algorithm, Cost> costs() {
    Map<Algorithm, Cost> m = new EnumMap<>(Algorithm.class);
    for (Algorithm a : Algorithm.values()) {
      m.put(a, new Cost());
    }
    return m;
  }

  /** The shared cost of opening ({@code seal} false) or sealing blocks with {@code algorithm}. */
  static Cost costOf(Algorithm algorithm, boolean seal) {
    return (seal ? SEAL_COSTS : OPEN_COSTS).get(algorithm);
  }

  /** True when {@code count} blocks are enough to split; callers skip {@link #run} otherwise. */
  static boolean worthSharing(int count, int blockSize) {
    return HELPERS > 0 && count >= 2 * minBlocksPerShare(blockSize);
  }

  /**
   * Runs {@code share} over blocks {@code 0..count-1}, split into consecutive shares. When shares
   * fail, the exception of the lowest-numbered failing share is thrown (the one naming the first
   * bad block), after every share has finished.
   */
  static void run(int count, int blockSize, Cost cost, Share share) throws IOException {
    int shares = shares(count, blockSize, cost.nanosPerBlock());
    if (shares <= 1) {
      long start = System.nanoTime();
      share.run(0, count - 1);
      cost.record(System.nanoTime() - start, count);
      return;
    }
    ExecutorService pool = Pool.INSTANCE;
    @SuppressWarnings("unchecked")
    Future<Void>[] futures = new Future[shares];
    for (int s = 1; s < shares; s++) {
      int from = bound(count, shares, s);
      int to = bound(count, shares, s + 1) - 1;
      // The pool is never shut down and its queue is unbounded, so submit never rejects.
      futures[s] =
          pool.submit(
              () -> {
                share.run(from, to);
                return null;
              });
    }
    Throwable first = null;
    try {
      long start = System.nanoTime();
      share.run(0, bound(count, shares, 1) - 1);
      cost.record(System.nanoTime() - start, bound(count, shares, 1));
    } catch (IOException | RuntimeException | Error e) {
      first = e;
    }
    for (int s = 1; s < shares; s++) {
      Throwable failure = null;
      try {
        awaitUninterruptibly(futures[s]);
      } catch (ExecutionException e) {
        failure = e.getCause();
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      if (first == null) {
        first = failure;
      }
    }
    if (first instanceof IOException io) {
      throw io;
    }
    if (first instanceof RuntimeException re) {
      throw re;
    }
    if (first instanceof Error err) {
      throw err;
    }
    if (first != null) {
      throw new IOException(first);
    }
  }

  /** How many shares {@code count} blocks make, given the cost per block (0: not known yet). */
  static int shares(int count, int blockSize, long nanosPerBlock) {
    int shares = Math.min(HELPERS + 1, count / minBlocksPerShare(blockSize));
    if (shares > 1 && nanosPerBlock > 0 && !ALWAYS_SHARE) {
      shares = (int) Math.min(shares, count * nanosPerBlock / MIN_SHARE_NANOS);
    }
    return Math.max(1, shares);
  }

  private static int bound(int count, int shares, int s) {
    return (int) ((long) count * s / shares);
  }

  /**
   * Waits even when interrupted: the share writes into buffers the caller reuses, so the caller
   * must not return before it ends. The interrupt is kept for the caller's next blocking call.
   */
  private static void awaitUninterruptibly(Future<Void> future) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          future.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Created on first use, so that single-core machines and small files never start a thread. */
  private static final class Pool {
    static final ExecutorService INSTANCE =
        Executors.newFixedThreadPool(Math.max(1, HELPERS), new Daemons());
  }

  private static final class Daemons implements ThreadFactory {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "encryptedfs-crypto-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
