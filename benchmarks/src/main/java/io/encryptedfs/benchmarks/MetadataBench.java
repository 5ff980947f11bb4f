package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Metadata: {@code Files.size} of one 4 KiB file, and {@code Files.walk} + {@code readAttributes}
 * over a tree of {@code fileCount} small files (100 directories). {@code sizeOf} is per call;
 * {@code walkAttributes} is per whole walk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MetadataBench {

  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  @Param({"10000"})
  public int fileCount;

  private Root root;
  private Path tree;
  private Path one;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    tree = Files.createDirectory(root.resolve("tree"));
    ByteBuffer data = ByteBuffer.allocate(100);
    int dirs = Math.max(1, Math.min(100, fileCount / 100));
    for (int d = 0; d < dirs; d++) {
      Files.createDirectory(tree.resolve("d" + d));
    }
    for (int i = 0; i < fileCount; i++) {
      Path f = tree.resolve("d" + (i % dirs)).resolve("f" + i);
      try (FileChannel ch =
          FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        data.clear();
        ch.write(data);
      }
    }
    one = root.resolve("one.bin");
    Files.write(one, new byte[4096]);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    root.close();
  }

  @Benchmark
  public long sizeOf() throws IOException {
    return Files.size(one);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long walkAttributes() throws IOException {
    long total = 0;
    try (Stream<Path> s = Files.walk(tree)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        total += a.size();
      }
    }
    return total;
  }
}
