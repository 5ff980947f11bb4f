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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Write-ahead log: 1 KiB records appended through an APPEND channel, with {@code force(false)}
 * after every {@code forceEvery} records ({@code 0} = never). One operation = one record. The log
 * is restarted every iteration so it does not grow without bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class WalBench {

  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain and cryptofs. */
  @Param({"4096", "16384", "65536"})
  public int blockSize;

  @Param({"1", "100", "0"})
  public int forceEvery;

  @Param({"1024"})
  public int recordSize;

  private Root root;
  private Path log;
  private FileChannel ch;
  private ByteBuffer record;
  private long count;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    log = root.resolve("wal.log");
    byte[] data = new byte[recordSize];
    ThreadLocalRandom.current().nextBytes(data);
    record = ByteBuffer.wrap(data);
  }

  @Setup(Level.Iteration)
  public void openLog() throws IOException {
    Files.deleteIfExists(log);
    ch =
        FileChannel.open(
            log, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    count = 0;
  }

  @TearDown(Level.Iteration)
  public void closeLog() throws IOException {
    ch.close();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  @Benchmark
  public long append() throws IOException {
    record.clear();
    while (record.hasRemaining()) {
      ch.write(record);
    }
    if (forceEvery > 0 && ++count % forceEvery == 0) {
      ch.force(false);
    }
    return count;
  }
}
