package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * {@code Files.copy} of one {@code sizeMiB} file, replacing the target each time: into the root
 * from a plain directory beside it (bringing existing data under encryption), out of the root into
 * that directory (an export or a cleartext backup), and within the root (a duplicate, which a
 * snapshot or a compaction makes). With {@code impl=plain} all three copy between two directories
 * of the default file system on the same disk, so each row has the plain copy of the same bytes in
 * the same run beside it. Neither side forces: {@code Files.copy} does not on the default file
 * system, and encryptedfs's copy does not either. One operation = one whole file; MiB/s = {@code
 * sizeMiB / score}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CopyBench {

  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain and cryptofs. */
  @Param({"4096", "16384", "65536"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  private Root root;
  private Path outside;
  private Path plainSource;
  private Path rootSource;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    outside = Files.createTempDirectory(root.dir.getParent(), "efs-bench-outside-");
    plainSource = outside.resolve("source.bin");
    rootSource = root.resolve("source.bin");
    byte[] chunk = new byte[1 << 20];
    try (OutputStream a = Files.newOutputStream(plainSource);
        OutputStream b = Files.newOutputStream(rootSource)) {
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
  public Path copyIn() throws IOException {
    return Files.copy(plainSource, root.resolve("in.bin"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Benchmark
  public Path copyOut() throws IOException {
    return Files.copy(rootSource, outside.resolve("out.bin"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Benchmark
  public Path copyWithin() throws IOException {
    return Files.copy(rootSource, root.resolve("within.bin"), StandardCopyOption.REPLACE_EXISTING);
  }
}
