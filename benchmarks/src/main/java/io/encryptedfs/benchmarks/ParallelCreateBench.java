package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Files created on several threads at once (two unless {@code -t} says otherwise): each thread
 * creates a file, writes 4 KiB and closes it, {@value #FILES} files per invocation in a directory
 * of its own. encryptedfs forces every file it creates (its default), so the fair plain baseline is
 * {@code createWriteForceClose}; {@code createWriteClose} of {@code impl=plain} is the page-cache
 * bound. The score is µs per file per thread: run with {@code -t 1} beside it to see whether the
 * threads' creations overlap (as a plain file system's do on this machine's disk) or queue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(2)
public class ParallelCreateBench {
  static final int FILES = 200;

  @Param({"plain", "AES-256-GCM"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  private Root root;
  private final AtomicInteger dirs = new AtomicInteger();

  /** Each thread's own content. */
  @State(Scope.Thread)
  public static class Content {
    final ByteBuffer data = ByteBuffer.allocate(4096);

    @Setup(Level.Trial)
    public void fill() {
      ThreadLocalRandom.current().nextBytes(data.array());
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
  }

  @TearDown(Level.Iteration)
  public void clean() throws IOException {
    for (int d = dirs.getAndSet(0) - 1; d >= 0; d--) {
      Path dir = root.resolve("d" + d);
      try (var s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  @Benchmark
  @OperationsPerInvocation(FILES)
  public long createWriteClose(Content content) throws IOException {
    return files(content.data, false);
  }

  @Benchmark
  @OperationsPerInvocation(FILES)
  public long createWriteForceClose(Content content) throws IOException {
    return files(content.data, true);
  }

  private long files(ByteBuffer data, boolean force) throws IOException {
    Path dir = Files.createDirectory(root.resolve("d" + dirs.getAndIncrement()));
    long written = 0;
    for (int i = 0; i < FILES; i++) {
      try (FileChannel ch =
          FileChannel.open(
              dir.resolve("f" + i), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        data.clear();
        while (data.hasRemaining()) {
          written += ch.write(data);
        }
        if (force) {
          ch.force(false);
        }
      }
    }
    return written;
  }
}
