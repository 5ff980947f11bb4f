package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Random 4 KiB positional reads and writes at 4 KiB-aligned offsets over one {@code sizeMiB} file,
 * through one channel shared by all benchmark threads (see {@link PageFile}). Throughput in ops/ms
 * (summed over threads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RandomIoBench {
  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain and cryptofs. */
  @Param({"4096", "16384", "65536"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  private Root root;
  private PageFile file;

  /** Per-thread buffer so threads never share a ByteBuffer. */
  @State(Scope.Thread)
  public static class Buf {
    final ByteBuffer buf = PageFile.pageBuffer();
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    file = PageFile.create(root.resolve("random.bin"), sizeMiB);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    file.close();
    root.close();
  }

  @Benchmark
  @Threads(1)
  public int read1T(Buf b) throws IOException {
    return file.readRandomPage(b.buf);
  }

  @Benchmark
  @Threads(2)
  public int read2T(Buf b) throws IOException {
    return file.readRandomPage(b.buf);
  }

  /** Positional 4 KiB overwrite, no force (the page cache / provider absorbs it). */
  @Benchmark
  @Threads(1)
  public int write1T(Buf b) throws IOException {
    return file.writeRandomPage(b.buf);
  }
}
