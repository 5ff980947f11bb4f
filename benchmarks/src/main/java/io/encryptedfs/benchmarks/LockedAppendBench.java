package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
 * A log shared by programs that take turns (logback's prudent mode), with one program writing: each
 * 1 KiB record is written under an exclusive lock of the whole file, taken and given up around it,
 * at the size read under the lock. No force. Beside {@link WalBench}'s unforced appends of the same
 * run, this is what the hand-over costs: on a plain file a lock and an unlock; on encryptedfs also
 * a look at the front region when the lock is taken, the writer lock taken again and checked at the
 * write, and given up with the lock. One operation = one record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LockedAppendBench {

  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  @Param({"1024"})
  public int recordSize;

  private Root root;
  private Path log;
  private FileChannel ch;
  private ByteBuffer record;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    log = root.resolve("shared.log");
    byte[] data = new byte[recordSize];
    ThreadLocalRandom.current().nextBytes(data);
    record = ByteBuffer.wrap(data);
  }

  @Setup(Level.Iteration)
  public void openLog() throws IOException {
    Files.deleteIfExists(log);
    ch =
        FileChannel.open(
            log, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
  public long appendUnderLock() throws IOException {
    try (FileLock turn = ch.lock()) {
      record.clear();
      long at = ch.size();
      while (record.hasRemaining()) {
        at += ch.write(record, at);
      }
      return at;
    }
  }
}
