package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Sequential write (closed with {@code force}) and sequential read of a whole file of {@code
 * sizeMiB} MiB in {@code chunk}-byte calls. One operation = one whole file; throughput in MiB/s is
 * {@code sizeMiB / score}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SequentialBench {

  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain and cryptofs. */
  @Param({"4096", "16384", "65536"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  @Param({"1048576", "65536"})
  public int chunk;

  private Root root;
  private Path writeFile;
  private Path readFile;
  private ByteBuffer buf;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    writeFile = root.resolve("seq-write.bin");
    readFile = root.resolve("seq-read.bin");
    byte[] data = new byte[chunk];
    ThreadLocalRandom.current().nextBytes(data);
    buf = ByteBuffer.wrap(data);
    writeWhole(readFile);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  private long writeWhole(Path file) throws IOException {
    long total = (long) sizeMiB << 20;
    long written = 0;
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (written < total) {
        buf.clear();
        while (buf.hasRemaining()) {
          written += ch.write(buf);
        }
      }
      ch.force(true);
    }
    return written;
  }

  @Benchmark
  public long write() throws IOException {
    return writeWhole(writeFile);
  }

  @Benchmark
  public long read() throws IOException {
    long read = 0;
    try (FileChannel ch = FileChannel.open(readFile, StandardOpenOption.READ)) {
      while (true) {
        buf.clear();
        int n = ch.read(buf);
        if (n < 0) {
          break;
        }
        read += n;
      }
    }
    if (read != (long) sizeMiB << 20) {
      throw new IllegalStateException("short read: " + read);
    }
    return read;
  }
}
