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
import org.openjdk.jmh.annotations.Threads;

/**
 * Random 4 KiB positional reads and writes at 4 KiB-aligned offsets over one {@code sizeMiB} file,
 * through one {@link FileChannel} shared by all benchmark threads (as a database would share it).
 * Throughput in ops/ms (summed over threads).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RandomIoBench {
  static final int IO = 4096;

  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain and cryptofs. */
  @Param({"4096", "16384", "65536"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  private Root root;
  private FileChannel ch;
  private int slots;

  /** Per-thread buffer so threads never share a ByteBuffer. */
  @State(Scope.Thread)
  public static class Buf {
    final ByteBuffer buf = ByteBuffer.allocate(IO);

    @Setup
    public void fill() {
      ThreadLocalRandom.current().nextBytes(buf.array());
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    Path file = root.resolve("random.bin");
    ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
    ThreadLocalRandom.current().nextBytes(chunk.array());
    for (int i = 0; i < sizeMiB; i++) {
      chunk.clear();
      while (chunk.hasRemaining()) {
        ch.write(chunk);
      }
    }
    ch.force(true);
    slots = (sizeMiB << 20) / IO;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    ch.close();
    root.close();
  }

  private long offset() {
    return (long) ThreadLocalRandom.current().nextInt(slots) * IO;
  }

  private int readOne(Buf b) throws IOException {
    ByteBuffer buf = b.buf;
    buf.clear();
    long pos = offset();
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + total);
      if (n < 0) {
        throw new IllegalStateException("EOF at " + (pos + total));
      }
      total += n;
    }
    return total;
  }

  @Benchmark
  @Threads(1)
  public int read1T(Buf b) throws IOException {
    return readOne(b);
  }

  @Benchmark
  @Threads(2)
  public int read2T(Buf b) throws IOException {
    return readOne(b);
  }

  /** Positional 4 KiB overwrite, no force (the page cache / provider absorbs it). */
  @Benchmark
  @Threads(1)
  public int write1T(Buf b) throws IOException {
    ByteBuffer buf = b.buf;
    buf.clear();
    long pos = offset();
    int total = 0;
    while (buf.hasRemaining()) {
      total += ch.write(buf, pos + total);
    }
    return total;
  }
}
