package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * Renames beside many files written without a force: one small file moved back and forth in its
 * directory, after {@code fileCount} other 100-byte files were written and closed elsewhere in the
 * root, either unforced ({@code owed=true}: the file system owes each a force at its close) or
 * forced before close ({@code owed=false}). A program that writes files to temporary names and
 * moves them into place without forcing them works this way; a rename's cost should not grow with
 * what is owed. Per rename.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RenameBench {

  @Param({"plain", "AES-256-GCM"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  @Param({"10000"})
  public int fileCount;

  @Param({"true", "false"})
  public boolean owed;

  private Root root;
  private Path x;
  private Path y;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    Path written = Files.createDirectory(root.resolve("written"));
    ByteBuffer data = ByteBuffer.allocate(100);
    for (int i = 0; i < fileCount; i++) {
      try (FileChannel ch =
          FileChannel.open(
              written.resolve("f" + i), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        data.clear();
        ch.write(data);
        if (!owed) {
          ch.force(false);
        }
      }
    }
    Path moving = Files.createDirectory(root.resolve("moving"));
    x = moving.resolve("x");
    y = moving.resolve("y");
    Files.write(x, new byte[100]);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  @Benchmark
  @OperationsPerInvocation(2)
  public Path renameThereAndBack() throws IOException {
    Files.move(x, y);
    return Files.move(y, x);
  }
}
