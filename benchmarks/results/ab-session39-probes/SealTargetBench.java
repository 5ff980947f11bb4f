package io.encryptedfs.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
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
 * Probe (session 39, not part of the suite): a 64 KiB write's run, sixteen 4 KiB blocks sealed one
 * after another into one buffer (a 24-byte nonce, then ciphertext and tag, as home blocks are laid
 * out) and then written with one positional write, as the provider's write path does. Asks whether
 * sealing into a direct buffer, which the JDK writes without first copying it into a temporary
 * direct buffer of its own, beats sealing into a heap buffer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SealTargetBench {
  @Param({"AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  @Param({"heap", "direct"})
  public String target;

  @Param({"16"})
  public int blocks;

  static final int B = 4096;
  static final int SEALED = B + 40;
  private static final byte[] NONCE = new byte[24];
  private Cipher cipher;
  private SecretKeySpec key;
  private ByteBuffer plain;
  private ByteBuffer out;
  private final byte[] iv = new byte[12];
  private final byte[] aad = new byte[25];
  private long counter;
  private boolean chacha;
  private FileChannel ch;
  private Path file;
  private long pos;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    chacha = impl.startsWith("CHACHA");
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, chacha ? "ChaCha20" : "AES");
    cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    byte[] p = new byte[B * blocks];
    ThreadLocalRandom.current().nextBytes(p);
    plain = ByteBuffer.wrap(p);
    out =
        target.equals("heap")
            ? ByteBuffer.allocate(SEALED * blocks)
            : ByteBuffer.allocateDirect(SEALED * blocks);
    file = Files.createTempFile("sealtarget", ".bin");
    ch = FileChannel.open(file, StandardOpenOption.WRITE);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    ch.close();
    Files.delete(file);
  }

  @Benchmark
  public long sealOnly() throws GeneralSecurityException {
    return sealRun();
  }

  /** The run sealed, then written at the next offset of a file that wraps at 256 MiB. */
  @Benchmark
  public long sealAndWrite() throws GeneralSecurityException, IOException {
    sealRun();
    out.flip();
    long at = pos;
    while (out.hasRemaining()) {
      at += ch.write(out, at);
    }
    pos = at >= (256L << 20) ? 0 : at;
    return at;
  }

  private long sealRun() throws GeneralSecurityException {
    out.clear();
    for (int i = 0; i < blocks; i++) {
      long c = ++counter;
      for (int j = 0; j < 8; j++) {
        iv[4 + j] = (byte) (c >>> (8 * j));
      }
      cipher.init(
          Cipher.ENCRYPT_MODE,
          key,
          chacha ? new IvParameterSpec(iv) : new GCMParameterSpec(128, iv));
      cipher.updateAAD(aad);
      out.put(NONCE);
      plain.limit((i + 1) * B).position(i * B);
      cipher.doFinal(plain, out);
    }
    return out.position();
  }
}
