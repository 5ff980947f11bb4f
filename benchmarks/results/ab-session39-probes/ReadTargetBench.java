package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * Probe (session 39, not part of the suite): a random 4 KiB read as the provider makes it, the
 * sealed block's ciphertext and tag read with one positional read into a scratch buffer, then
 * opened into a heap buffer. Asks whether a direct scratch buffer, which the JDK reads into without
 * its own temporary direct buffer and copy, beats a heap one once the JCE opens from it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadTargetBench {
  @Param({"AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"heap", "direct"})
  public String scratch;

  static final int B = 4096;
  static final int SEALED = B + 16;
  static final int STRIDE = B + 40;
  static final int N = 16384; // 64 MiB
  private Cipher cipher;
  private SecretKeySpec key;
  private ByteBuffer in;
  private final ByteBuffer out = ByteBuffer.allocate(B);
  private final byte[] aad = new byte[25];
  private byte[][] ivs;
  private boolean chacha;
  private int last = -1;
  private FileChannel ch;
  private Path file;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    chacha = impl.startsWith("CHACHA");
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, chacha ? "ChaCha20" : "AES");
    cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    file = Files.createTempFile("readtarget", ".bin");
    ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
    byte[] p = new byte[B];
    ivs = new byte[N][12];
    ByteBuffer block = ByteBuffer.allocate(STRIDE);
    for (int i = 0; i < N; i++) {
      ThreadLocalRandom.current().nextBytes(p);
      new SecureRandom().nextBytes(ivs[i]);
      cipher.init(Cipher.ENCRYPT_MODE, key, spec(ivs[i]));
      cipher.updateAAD(aad);
      block.clear();
      block.put(new byte[24]);
      cipher.doFinal(ByteBuffer.wrap(p), block);
      block.flip();
      ch.write(block, 512L + (long) i * STRIDE);
    }
    in = scratch.equals("heap") ? ByteBuffer.allocate(SEALED) : ByteBuffer.allocateDirect(SEALED);
  }

  private java.security.spec.AlgorithmParameterSpec spec(byte[] iv) {
    return chacha ? new IvParameterSpec(iv) : new GCMParameterSpec(128, iv);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    ch.close();
    Files.delete(file);
  }

  /**
   * A random block other than the last one read: JDK 17's ChaCha20-Poly1305 refuses an init with
   * the key and nonce of the one before, even to decrypt.
   */
  private int next() {
    int i = ThreadLocalRandom.current().nextInt(N);
    if (i == last) {
      i = (i + 1) % N;
    }
    last = i;
    return i;
  }

  @Benchmark
  public int readOpen() throws Exception {
    int i = next();
    in.clear();
    long at = 512L + (long) i * STRIDE + 24;
    while (in.hasRemaining()) {
      at += ch.read(in, at);
    }
    in.flip();
    cipher.init(Cipher.DECRYPT_MODE, key, spec(ivs[i]));
    cipher.updateAAD(aad);
    out.clear();
    return cipher.doFinal(in, out);
  }

  @Benchmark
  public int readOnly() throws Exception {
    int i = next();
    in.clear();
    long at = 512L + (long) i * STRIDE + 24;
    while (in.hasRemaining()) {
      at += ch.read(in, at);
    }
    return in.position();
  }
}
