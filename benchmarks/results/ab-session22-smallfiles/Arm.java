package io.encryptedfs.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** One jar's side of PairMain: a root, and batches of Driver's loop timed in thread CPU. */
public class Arm implements AutoCloseable {
  private final java.nio.file.FileSystem fs;
  private final Path dir;
  private final ByteBuffer data = ByteBuffer.wrap(new byte[4096]);
  private final ByteBuffer back = ByteBuffer.allocate(4096);

  public Arm(String impl) throws Exception {
    // The provider itself, not EncryptedFileSystems: that looks providers up in the system class
    // loader, and each arm has its own.
    Path base = Files.createTempDirectory(
        Files.createDirectories(Path.of(System.getProperty("bench.dir"))), "arm-");
    var env = new java.util.HashMap<String, Object>();
    env.put("key.provider", new MemoryKeyProvider());
    env.put("key.alias", MemoryKeyProvider.ALIAS);
    env.put("algorithm", impl);
    env.put("block.size", "4096");
    env.put("create", "true");
    fs = new io.encryptedfs.nio.EncryptedFileSystemProvider().newFileSystem(base, env);
    dir = Files.createDirectory(fs.getPath("/w"));
  }

  /** Thread CPU nanoseconds for {@code n} files. */
  public long batch(int n) throws Exception {
    var mx = ManagementFactory.getThreadMXBean();
    long cpu = mx.getCurrentThreadCpuTime();
    Driver.loop(dir, n, data, back);
    return mx.getCurrentThreadCpuTime() - cpu;
  }

  @Override
  public void close() throws Exception {
    fs.close();
  }
}
