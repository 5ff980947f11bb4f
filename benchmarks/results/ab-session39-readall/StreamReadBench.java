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
 * Probe (session 39, not part of the suite): a whole file read through {@code
 * Files.newInputStream} with {@code readAllBytes}, as code that reads a file into memory from a
 * stream does. One operation = one whole file of {@code sizeMiB}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StreamReadBench {
  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  private Root root;
  private Path file;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    file = root.resolve("whole.bin");
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < sizeMiB; i++) {
        ThreadLocalRandom.current().nextBytes(chunk);
        out.write(chunk);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  @Benchmark
  public byte[] readAllBytes() throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readAllBytes();
    }
  }
}
