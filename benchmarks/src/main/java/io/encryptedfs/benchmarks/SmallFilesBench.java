package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
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

/**
 * Small files: create a file, write 4 KiB, close, open it again and read it back, for 1,000 new
 * files per invocation (score is per file thanks to {@code @OperationsPerInvocation}). Each
 * invocation uses a fresh subdirectory; directories are removed after each iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SmallFilesBench {
  static final int FILES = 1000;

  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  private Root root;
  private ByteBuffer data;
  private ByteBuffer back;
  private int round;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    byte[] d = new byte[4096];
    ThreadLocalRandom.current().nextBytes(d);
    data = ByteBuffer.wrap(d);
    back = ByteBuffer.allocate(4096);
  }

  @TearDown(Level.Iteration)
  public void clean() throws IOException {
    for (int r = 0; r < round; r++) {
      Path dir = root.resolve("r" + r);
      try (var s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
    round = 0;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  @Benchmark
  @OperationsPerInvocation(FILES)
  public long createWriteCloseRead() throws IOException {
    return files(false);
  }

  /**
   * The same with {@code force(false)} before each close: the cost of one fdatasync per created
   * file. For {@code impl=plain} this is the fair baseline for an encrypted file system that forces
   * every created file's front region once (encryptedfs does, by design).
   */
  @Benchmark
  @OperationsPerInvocation(FILES)
  public long createWriteForceCloseRead() throws IOException {
    return files(true);
  }

  private long files(boolean force) throws IOException {
    Path dir = Files.createDirectory(root.resolve("r" + round++));
    long sum = 0;
    for (int i = 0; i < FILES; i++) {
      Path f = dir.resolve("f" + i);
      try (FileChannel ch =
          FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        data.clear();
        while (data.hasRemaining()) {
          ch.write(data);
        }
        if (force) {
          ch.force(false);
        }
      }
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        back.clear();
        while (back.hasRemaining() && ch.read(back) >= 0) {
          // read to EOF or full
        }
      }
      sum += back.position();
    }
    return sum;
  }
}
