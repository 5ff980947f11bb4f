package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
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

/**
 * One {@code sizeMiB} file read whole through {@code Files.newInputStream} in reads of {@code
 * chunk} bytes, as programs read a stream without a buffer of their own: 512 bytes is what {@code
 * GZIPInputStream} asks for, 1 KiB what Lucene's buffered inputs read, 8 KiB what a {@code
 * BufferedReader} does. Reads smaller than a block read part of it; the file system decides whether
 * each such read opens the block again. One operation = one whole file; MiB/s = {@code sizeMiB·1000
 * / score}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StreamChunkBench {
  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain and cryptofs. */
  @Param({"4096", "16384", "65536"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  @Param({"512", "1024", "8192"})
  public int chunk;

  private Root root;
  private Path file;
  private byte[] buf;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    file = root.resolve("whole.bin");
    byte[] data = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < sizeMiB; i++) {
        ThreadLocalRandom.current().nextBytes(data);
        out.write(data);
      }
    }
    buf = new byte[chunk];
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  @Benchmark
  public long read() throws IOException {
    long total = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf, 0, chunk)) >= 0) {
        total += n;
      }
    }
    return total;
  }
}
