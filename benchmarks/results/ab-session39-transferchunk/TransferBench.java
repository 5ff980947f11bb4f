package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
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
 * Probe (session 39, not part of the suite): {@code FileChannel.transferFrom} of a whole plain file
 * into a file of the root ({@code from}), and {@code transferTo} of a file of the root into a plain
 * file ({@code to}), each as one call, as copy utilities that move bytes between channels make
 * them. One operation = one whole file of {@code sizeMiB}, its target truncated first.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TransferBench {
  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"4096"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  private Root root;
  private Path outside;
  private Path plainFile;
  private Path rootFile;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    outside = Files.createTempDirectory(root.dir.getParent(), "efs-bench-outside-");
    plainFile = outside.resolve("plain.bin");
    rootFile = root.resolve("root.bin");
    byte[] chunk = new byte[1 << 20];
    try (OutputStream a = Files.newOutputStream(plainFile);
        OutputStream b = Files.newOutputStream(rootFile)) {
      for (int i = 0; i < sizeMiB; i++) {
        ThreadLocalRandom.current().nextBytes(chunk);
        a.write(chunk);
        b.write(chunk);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try {
      root.close();
    } finally {
      Root.deleteTree(outside);
    }
  }

  @Benchmark
  public long from() throws IOException {
    try (FileChannel in = FileChannel.open(plainFile, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                root.resolve("from.bin"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      return out.transferFrom(in, 0, in.size());
    }
  }

  @Benchmark
  public long to() throws IOException {
    try (FileChannel in = FileChannel.open(rootFile, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                outside.resolve("to.bin"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      return in.transferTo(0, in.size(), out);
    }
  }
}
