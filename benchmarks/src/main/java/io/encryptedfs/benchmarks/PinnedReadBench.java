package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Random 4 KiB positional reads on virtual threads, each read made inside a {@code synchronized}
 * method ({@code reader=synchronized}) or a plain one ({@code reader=plain-method}), while a
 * platform thread overwrites random pages of the same file through the same channel in a loop
 * ({@code writerPauseMicros}). This is the contended path of the provider's pinned calls: on JDK 21
 * to 23 a virtual thread that waits for the file's lock while it holds a monitor keeps its carrier,
 * so when the lock is taken encryptedfs walks the caller's stack for a synchronized method and,
 * finding one, runs the read on a platform thread of its own ({@code encryptedfs-pinned-io}) while
 * the virtual thread waits in {@code Object.wait}. Only the reads that find the lock taken pay the
 * walk and the hand-off, so how many do depends on the writer's pace and on the CPU it gets: the
 * {@code writes} counter gives its pages per ms, and a JFR recording of {@code Object.wait} counts
 * the hand-offs (waits on {@code OffCarrier$Outcome}; {@code scripts/pinned-evidence.sh}). The
 * {@code plain-method} rows make the same reads beside the same writer with no synchronized frame,
 * so without a hand-off: synchronized ÷ plain-method is what the hand-off costs beyond the
 * contention itself. Plain NIO ({@code impl=plain}) has no file lock and hands nothing off; it is
 * the baseline of encrypted ÷ plain.
 *
 * <p>On JDK 24 and later a monitor no longer pins and nothing is handed off, so the two readers
 * should score alike there. JDK 17 has no virtual threads: the reads run on new platform threads
 * (as in {@link TaskThreadReadBench}), which the provider never hands off, so no row on JDK 17
 * measures a hand-off.
 *
 * <p>The synchronized method is the benchmark's own and not the JDK's {@code
 * Channels.newInputStream}, whose {@code read} is synchronized too on JDK 21: that stream reads at
 * the channel's position, so its reads would also take the channel's position lock and need a
 * channel, or a {@code position} call, per reader; and one stream shared by the readers would queue
 * them on its monitor, which pins on JDK 21 by itself. Here each task has a reader of its own (held
 * by a field, so the JIT cannot elide its monitor), the monitor is never contended, and the
 * method's modifier is the only difference between the rows.
 *
 * <p>An invocation starts {@link #TASKS} threads, each making {@link #READS} reads through its
 * reader, and waits for them all, so that the score is not the benchmark thread's wake-up (see
 * {@link TaskThreadReadBench}). Throughput in reads per ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PinnedReadBench {
  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** Whether the reads are made inside a synchronized method. */
  @Param({SYNCHRONIZED, "plain-method"})
  public String reader;

  /**
   * The writer's pause after each write, in µs (0: none). A writer that never pauses takes the lock
   * back before a woken reader runs, so on a quiet machine readers get in mostly when the OS
   * deschedules it, and the score is much of that starvation; with a pause most reads find the lock
   * free and the rest wait a write's length. {@code parkNanos} sleeps at least the kernel's timer
   * slack (50 µs on Linux) beyond it: the {@code writes} counter says what the writer did.
   */
  @Param({"0", "100"})
  public int writerPauseMicros;

  @Param({"4096"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  static final String SYNCHRONIZED = "synchronized";
  static final int TASKS = 16;
  static final int READS = 16;

  private Root root;
  private PageFile file;
  private ExecutorService tasks;
  private Writer writer;

  /** A way to make one read: inside a synchronized method or not. */
  interface Reader {
    int read(PageFile file, ByteBuffer buf) throws IOException;
  }

  /** Holds its own monitor around the read, as the JDK's stream over a channel does. */
  static final class SynchronizedReader implements Reader {
    @Override
    public synchronized int read(PageFile file, ByteBuffer buf) throws IOException {
      return file.readRandomPage(buf);
    }
  }

  /** The same read with no monitor held. */
  static final class PlainReader implements Reader {
    @Override
    public int read(PageFile file, ByteBuffer buf) throws IOException {
      return file.readRandomPage(buf);
    }
  }

  /**
   * The writer's pages per ms in the iteration, beside the reads: how much contention a row had,
   * which the machine's load moves (a writer that gets less CPU holds the lock less often).
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Writes {
    private long atStart;
    public long writes;

    @Setup(Level.Iteration)
    public void start(PinnedReadBench bench) {
      atStart = bench.writer.written;
      writes = 0;
    }
  }

  /** Per benchmark thread, a reader and a buffer for each task of its batch. */
  @State(Scope.Thread)
  public static class Slots {
    final Reader[] readers = new Reader[TASKS];
    final ByteBuffer[] bufs = new ByteBuffer[TASKS];
    final List<Future<Integer>> reads = new ArrayList<>(TASKS);

    @Setup(Level.Trial)
    public void setup(PinnedReadBench bench) {
      for (int i = 0; i < TASKS; i++) {
        readers[i] =
            SYNCHRONIZED.equals(bench.reader) ? new SynchronizedReader() : new PlainReader();
        bufs[i] = PageFile.pageBuffer();
      }
    }
  }

  /** Overwrites random pages until stopped; a failure ends the trial in {@link #tearDown}. */
  private static final class Writer extends Thread {
    private final PageFile file;
    private final long pauseNanos;
    private volatile long written;
    private volatile boolean stop;
    private volatile Throwable failure;

    Writer(PageFile file, long pauseNanos) {
      super("pinned-bench-writer");
      this.file = file;
      this.pauseNanos = pauseNanos;
      setDaemon(true);
    }

    @Override
    public void run() {
      ByteBuffer buf = PageFile.pageBuffer();
      try {
        while (!stop) {
          file.writeRandomPage(buf);
          written++; // not atomic, but no other thread writes it
          if (pauseNanos > 0) {
            LockSupport.parkNanos(pauseNanos);
          }
        }
      } catch (Throwable t) {
        failure = t;
      }
    }

    void end() throws InterruptedException {
      stop = true;
      join();
      if (failure != null) {
        throw new IllegalStateException("writer failed", failure);
      }
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    file = PageFile.create(root.resolve("pinned.bin"), sizeMiB);
    tasks = TaskThreadReadBench.threadPerTask();
    writer = new Writer(file, TimeUnit.MICROSECONDS.toNanos(writerPauseMicros));
    writer.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, InterruptedException {
    try {
      writer.end();
    } finally {
      tasks.shutdown();
      tasks.awaitTermination(1, TimeUnit.MINUTES);
      file.close();
      root.close();
    }
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(TASKS * READS)
  public int read(Slots s, Writes w) throws InterruptedException, ExecutionException {
    s.reads.clear();
    for (int i = 0; i < TASKS; i++) {
      Reader r = s.readers[i];
      ByteBuffer buf = s.bufs[i];
      s.reads.add(tasks.submit(() -> readAll(r, buf)));
    }
    int total = 0;
    for (Future<Integer> read : s.reads) {
      total += read.get();
    }
    w.writes = writer.written - w.atStart;
    return total;
  }

  private int readAll(Reader r, ByteBuffer buf) throws IOException {
    int total = 0;
    for (int i = 0; i < READS; i++) {
      total += r.read(file, buf);
    }
    return total;
  }
}
