package io.encryptedfs.channel;

import io.encryptedfs.crypto.ThreadCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits the sealing or opening of a long run of blocks between the calling thread and the crypto
 * helper threads (one per further core), so that one large read or write uses more than one core
 * for the cipher. A serial seal-then-write cannot beat {@code 1 / (1/io + 1/cipher)}; with the
 * cipher spread over the cores that bound rises towards the I/O speed.
 *
 * <p>For writes only the cipher work is spread: the caller still issues every raw write itself, in
 * the same order as before, so the crash ordering of the write path is unchanged. A long read is
 * shared as slices that each thread reads and opens itself (see {@code HomeBlockReader}), since
 * reads need no order. The caller and the helpers claim the run's blocks one at a time from a
 * shared counter; each block is worked on with its own slice of the output and the claiming
 * thread's own cipher and scratch, and the caller waits for every claimed block before it uses the
 * results.
 *
 * <p>Why claiming, and why helpers that spin: waking a parked thread costs tens of microseconds on
 * a virtual machine (about 60 µs here, more than opening 64 KiB takes), so a pool that is handed
 * fixed shares makes mid-sized runs slower. Here the caller starts at once and takes every block no
 * helper has claimed, so a helper that wakes late costs the caller little more than the offer; and
 * a helper stays awake for {@link #SPIN_NANOS} after its last block before it parks, so the calls
 * of a sequential stream (back to back, microseconds apart) find it awake. Awake means spinning for
 * {@link #PAUSE_NANOS}, then calling {@code Thread.yield()} in a loop (the middle stage of the
 * usual spin, yield, park back-off): the core stays free for any other runnable thread, and a
 * yielding helper still sees a new run within microseconds. Measured against spinning the whole
 * window (alternating runs, 64 MiB read in 64 KiB calls, AES-GCM): 4 of 4 pairs faster on JDK 17
 * (by 4-43 %) and 3 of 3 on JDK 25 (by 5-18 %), ChaCha20 and writes unchanged within noise, and
 * 10-25 % less user CPU; a virtual CPU that spins on {@code PAUSE} may be descheduled by the host
 * (pause-loop exiting). Claiming single blocks keeps the threads' last blocks ending close together
 * (one atomic increment per block is noise beside a block's cipher work). A helper that holds
 * another caller's run is not offered the next one: that caller works alone, as every core is busy
 * anyway.
 */
final class BlockWork {
  /** Cleartext bytes below which a run stays on the caller; tests lower it. */
  static final String MIN_RUN_PROPERTY = "encryptedfs.crypto.minShareBytes";

  private static final int DEFAULT_MIN_RUN_BYTES = 64 * 1024;
  private static final int MIN_RUN_BYTES =
      Math.max(1, Integer.getInteger(MIN_RUN_PROPERTY, DEFAULT_MIN_RUN_BYTES));

  /** How long an idle helper stays awake for the next run before it parks. */
  static final long SPIN_NANOS = 50_000;

  /** How much of that it spins before it starts yielding its core. */
  private static final long PAUSE_NANOS = 2_000;

  /** Spins a waiting caller makes before it starts yielding its core. */
  private static final int WAIT_SPINS = 1 << 14;

  private static final int HELPERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);

  /**
   * The cipher work for one block, counted from the run's start, on worker {@code worker}: 0 for
   * the caller, 1 and up for a helper. A worker runs one block at a time, so what a share keeps per
   * worker (its own views of shared buffers) needs no locking.
   */
  interface Share {
    void run(int block, int worker) throws IOException;
  }

  /**
   * {@code buffer} for worker 0 (the caller), and a view of it for each helper: a share that moves
   * positions and limits gives each worker its own. Made by the caller before the run, while no
   * other thread moves the buffer.
   */
  static ByteBuffer[] views(ByteBuffer buffer) {
    ByteBuffer[] views = new ByteBuffer[HELPERS + 1];
    views[0] = buffer;
    for (int w = 1; w < views.length; w++) {
      views[w] = buffer.duplicate();
    }
    return views;
  }

  private BlockWork() {}

  /** True when {@code count} blocks are worth offering to helpers; callers skip {@link #run}. */
  static boolean worthSharing(int count, int blockSize) {
    return HELPERS > 0 && count >= 2 && (long) count * blockSize >= MIN_RUN_BYTES;
  }

  /**
   * Runs {@code share} over blocks {@code 0..count-1}, one block at a time, on this thread and on
   * any helper that is free. Returns when every block has ended. When blocks fail, the exception of
   * the lowest failing block is thrown. The caller's interrupt status is left as it was: the
   * helpers write into buffers the caller reuses, so it never returns before they end.
   */
  static void run(int count, Share share) throws IOException {
    Job job = new Job(count, share);
    Helper[] helpers = Helpers.ALL;
    for (Helper h : helpers) {
      h.offer(job);
    }
    job.work(0);
    for (Helper h : helpers) {
      h.withdraw(job);
    }
    job.awaitBlocks();
    job.rethrow();
  }

  /** One run: which of its blocks have been claimed and have ended, and the first failure. */
  private static final class Job {
    private final int count;
    private final Share share;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private int failedBlock = Integer.MAX_VALUE;
    private Throwable failure;
    private boolean failedOnHelper;

    Job(int count, Share share) {
      this.count = count;
      this.share = share;
    }

    /** Claims and runs blocks as worker {@code worker} until none is left. */
    void work(int worker) {
      int b;
      while ((b = next.getAndIncrement()) < count) {
        try {
          share.run(b, worker);
        } catch (Throwable t) {
          failed(b, worker, t);
        }
        ended.incrementAndGet();
      }
    }

    private synchronized void failed(int block, int worker, Throwable t) {
      if (block < failedBlock) {
        failedBlock = block;
        failure = t;
        failedOnHelper = worker != 0;
      }
    }

    /** Every block is claimed by now; the helpers' last ones end within a block's time. */
    void awaitBlocks() {
      // A virtual thread that yields leaves its carrier, holding the file's lock, and on JDK 21 to
      // 23 may find none free again while others are pinned: it spins, as the helpers' last
      // blocks end within a block's time.
      boolean mayYield = !(PinnedClose.MONITORS_PIN && ThreadCache.onVirtualThread());
      int spins = 0;
      while (ended.get() < count) {
        if (++spins < WAIT_SPINS || !mayYield) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    synchronized void rethrow() throws IOException {
      Throwable t = failure;
      if (t != null) {
        throw failedOnHelper ? Failures.rethrown(t) : Failures.thrown(t);
      }
    }
  }

  /**
   * A helper thread with a one-run mailbox. It stays awake for {@link #SPIN_NANOS} after its last
   * run, then parks until offered another.
   */
  private static final class Helper extends Thread {
    private final AtomicReference<Job> mailbox = new AtomicReference<>();
    private final int worker;
    private volatile boolean parked;

    Helper(int n) {
      super("encryptedfs-crypto-" + n);
      this.worker = n;
      setDaemon(true);
      // As DaemonThreads': it runs no caller code, and would keep the first caller's loader.
      setContextClassLoader(null);
    }

    /** Leaves {@code job} for this helper unless it holds another caller's run. */
    void offer(Job job) {
      if (mailbox.compareAndSet(null, job) && parked) {
        LockSupport.unpark(this);
      }
    }

    /** Takes back a run the helper has not picked up, so that it never starts a finished one. */
    void withdraw(Job job) {
      mailbox.compareAndSet(job, null);
    }

    @Override
    public void run() {
      long idleSince = System.nanoTime();
      while (true) {
        Job job = mailbox.get();
        if (job != null && mailbox.compareAndSet(job, null)) {
          job.work(worker);
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince < PAUSE_NANOS) {
          Thread.onSpinWait();
        } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.yield();
        } else {
          // The caller writes the mailbox, then reads parked; this thread writes parked, then
          // reads the mailbox. Both are volatile, so one of the two sees the other's write.
          parked = true;
          if (mailbox.get() == null) {
            LockSupport.park(this);
          }
          parked = false;
          idleSince = System.nanoTime();
        }
      }
    }
  }

  /** Started on first use, so that single-core machines and small files never start a thread. */
  private static final class Helpers {
    static final Helper[] ALL = start();

    private static Helper[] start() {
      Helper[] all = new Helper[HELPERS];
      for (int i = 0; i < all.length; i++) {
        all[i] = new Helper(i + 1);
        all[i].start();
      }
      return all;
    }
  }
}
