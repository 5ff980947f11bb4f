package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A page store's checkpoint beside its readers: one thread reads random 4 KiB pages while another
 * overwrites a random page and forces the file, over and over, through one shared channel. The
 * readers' throughput, set against {@link RandomIoBench#read1T} in the same run, shows what a
 * running force costs them; a force that held the file's lock for its {@code fsync} would stall
 * every read for the disk's flush time.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ForceBesideReadsBench {
  @Param({"plain", "AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain. */
  @Param({"4096"})
  public int blockSize;

  @Param({"64"})
  public int sizeMiB;

  private Root root;
  private PageFile file;

  /** Per-thread buffer so the two threads never share a ByteBuffer. */
  @State(Scope.Thread)
  public static class Buf {
    final ByteBuffer buf = PageFile.pageBuffer();
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = new Root(impl, blockSize);
    file = PageFile.create(root.resolve("pages.bin"), sizeMiB);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    file.close();
    root.close();
  }

  /** One random 4 KiB positional read. */
  @Benchmark
  @Group("checkpoint")
  @GroupThreads(1)
  public int read(Buf b) throws IOException {
    return file.readRandomPage(b.buf);
  }

  /** One random 4 KiB page overwrite, then {@code force(false)}. */
  @Benchmark
  @Group("checkpoint")
  @GroupThreads(1)
  public int writeAndForce(Buf b) throws IOException {
    int n = file.writeRandomPage(b.buf);
    file.force();
    return n;
  }
}
