package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * Random 4 KiB positional reads as a server with a thread per request makes them: each read runs on
 * a new thread, over one shared channel (as {@link RandomIoBench}). An invocation starts {@link
 * #BATCH} such threads and waits for them all, so that the score is what a read on a new thread
 * costs and not the benchmark thread's wake-up (about 45 µs here, which with one read per wake-up
 * made every implementation score the same). On JDK 21 and later the threads are virtual ({@code
 * Executors.newVirtualThreadPerTaskExecutor()}, looked up since this module compiles for 17); on
 * JDK 17 they are new platform threads, whose start dominates. What a new thread costs encryptedfs
 * beyond plain is the state it keeps per thread (a cipher, scratch buffers). Throughput in reads
 * per ms, summed over benchmark threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TaskThreadReadBench {
  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  private Root root;
  private PageFile file;
  private ExecutorService tasks;

  static final int BATCH = 64;

  /** Per benchmark thread, a buffer for each read of its batch, which it waits for. */
  @State(Scope.Thread)
  public static class Bufs {
    final ByteBuffer[] bufs = new ByteBuffer[BATCH];
    final List<Future<Integer>> reads = new ArrayList<>(BATCH);

    public Bufs() {
      for (int i = 0; i < BATCH; i++) {
        bufs[i] = PageFile.pageBuffer();
      }
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    file = PageFile.create(root.resolve("random.bin"), sizeMiB);
    tasks = threadPerTask();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, InterruptedException {
    tasks.shutdown();
    tasks.awaitTermination(1, TimeUnit.MINUTES);
    file.close();
    root.close();
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public int read1T(Bufs b) throws InterruptedException, ExecutionException {
    return readBatch(b);
  }

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(BATCH)
  public int read2T(Bufs b) throws InterruptedException, ExecutionException {
    return readBatch(b);
  }

  private int readBatch(Bufs b) throws InterruptedException, ExecutionException {
    b.reads.clear();
    for (ByteBuffer buf : b.bufs) {
      b.reads.add(tasks.submit(() -> file.readRandomPage(buf)));
    }
    int total = 0;
    for (Future<Integer> read : b.reads) {
      total += read.get();
    }
    return total;
  }

  /**
   * A new virtual thread per task where the JDK has them (21 and later), else a new platform thread
   * per task; {@link PinnedReadBench} starts its readers so too.
   */
  static ExecutorService threadPerTask() {
    try {
      MethodHandle virtual =
          MethodHandles.publicLookup()
              .findStatic(
                  Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class));
      return (ExecutorService) virtual.invokeExact();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      // JDK 17: a new platform thread for each task (no keep-alive, so no thread is reused).
      return new ThreadPoolExecutor(
          0, Integer.MAX_VALUE, 0, TimeUnit.NANOSECONDS, new SynchronousQueue<>());
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
