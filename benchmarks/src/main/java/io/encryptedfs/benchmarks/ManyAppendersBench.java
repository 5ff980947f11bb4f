package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
 * Many threads appending to one log: an invocation starts {@link #TASKS} threads (virtual ones
 * where the JDK has them, else platform threads; see {@link TaskThreadReadBench#threadPerTask}),
 * each appending {@link #RECORDS} records of 100 bytes through one shared {@code APPEND} channel
 * and forcing it after every {@code forceEvery} of its records ({@code 0}: never), and waits for
 * them all. Throughput in records per ms.
 *
 * <p>This is the queue a file's lock gets under a server's request threads all logging to one file.
 * On JDK 21 to 23 encryptedfs takes that lock on a virtual thread with a bounded wait in its queue
 * and pauses between waits ({@code PinnedLocks}), and a writer that finds every tail slot protected
 * by a running force waits for the force's end ({@code ForceEnded}); both are on this path, and
 * their costs show against the same code on JDK 25 and against plain NIO in the same run. The log
 * is started afresh every iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ManyAppendersBench {
  @Param({"plain", "AES-256-GCM"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  /** Each task forces the channel after this many of its records; 0: never. */
  @Param({"0", "10"})
  public int forceEvery;

  static final int TASKS = 400;
  static final int RECORDS = 20;
  static final int RECORD_SIZE = 100;

  private Root root;
  private Path log;
  private FileChannel ch;
  private ExecutorService tasks;
  private final List<Future<Integer>> appends = new ArrayList<>(TASKS);

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    log = root.resolve("many.log");
    tasks = TaskThreadReadBench.threadPerTask();
  }

  @Setup(Level.Iteration)
  public void openLog() throws IOException {
    Files.deleteIfExists(log);
    ch =
        FileChannel.open(
            log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @TearDown(Level.Iteration)
  public void closeLog() throws IOException {
    ch.close();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, InterruptedException {
    try {
      tasks.shutdown();
      tasks.awaitTermination(1, TimeUnit.MINUTES);
    } finally {
      root.close();
    }
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(TASKS * RECORDS)
  public int append() throws InterruptedException, ExecutionException {
    appends.clear();
    for (int i = 0; i < TASKS; i++) {
      appends.add(tasks.submit(this::appendAll));
    }
    int total = 0;
    for (Future<Integer> a : appends) {
      total += a.get();
    }
    return total;
  }

  private int appendAll() throws IOException {
    ByteBuffer record = ByteBuffer.allocate(RECORD_SIZE);
    int written = 0;
    for (int i = 1; i <= RECORDS; i++) {
      record.clear();
      while (record.hasRemaining()) {
        written += ch.write(record);
      }
      if (forceEvery > 0 && i % forceEvery == 0) {
        ch.force(false);
      }
    }
    return written;
  }
}
