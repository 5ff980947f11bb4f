package io.encryptedfs.benchmarks;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
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
 * Peer: Google Tink streaming AEAD over a plain {@link FileChannel}, same workload and score as
 * {@link SequentialBench} (ms per whole file, closed with {@code force} for writes). Tink's
 * encrypting channel is sequential-only, so only the sequential rows have a Tink peer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TinkSequentialBench {
  private static final byte[] AAD = "encryptedfs-bench".getBytes();

  @Param({"AES256_GCM_HKDF_1MB", "AES256_GCM_HKDF_4KB"})
  public String template;

  @Param({"64"})
  public int sizeMiB;

  @Param({"1048576", "65536"})
  public int chunk;

  private Path dir;
  private Path writeFile;
  private Path readFile;
  private StreamingAead aead;
  private ByteBuffer buf;

  @Setup(Level.Trial)
  public void setup() throws IOException, GeneralSecurityException {
    StreamingAeadConfig.register();
    aead = KeysetHandle.generateNew(KeyTemplates.get(template)).getPrimitive(StreamingAead.class);
    String base = System.getProperty("bench.dir");
    dir =
        base == null
            ? Files.createTempDirectory("efs-bench-tink-")
            : Files.createTempDirectory(Files.createDirectories(Path.of(base)), "efs-bench-tink-");
    writeFile = dir.resolve("seq-write.bin");
    readFile = dir.resolve("seq-read.bin");
    byte[] data = new byte[chunk];
    ThreadLocalRandom.current().nextBytes(data);
    buf = ByteBuffer.wrap(data);
    writeWhole(readFile);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Root.deleteTree(dir);
  }

  private long writeWhole(Path file) throws IOException {
    long total = (long) sizeMiB << 20;
    long written = 0;
    try (FileChannel raw =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      WritableByteChannel ch;
      try {
        ch = aead.newEncryptingChannel(raw, AAD);
      } catch (GeneralSecurityException e) {
        throw new IOException(e);
      }
      while (written < total) {
        buf.clear();
        while (buf.hasRemaining()) {
          written += ch.write(buf);
        }
      }
      ch.close(); // writes the last segment; closes raw too
      // Tink closes the underlying channel, so force through a fresh handle (fsync is per file).
      try (FileChannel f = FileChannel.open(file, StandardOpenOption.WRITE)) {
        f.force(true);
      }
    }
    return written;
  }

  @Benchmark
  public long write() throws IOException {
    return writeWhole(writeFile);
  }

  @Benchmark
  public long read() throws IOException, GeneralSecurityException {
    long read = 0;
    try (SeekableByteChannel ch =
        aead.newSeekableDecryptingChannel(
            FileChannel.open(readFile, StandardOpenOption.READ), AAD)) {
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
