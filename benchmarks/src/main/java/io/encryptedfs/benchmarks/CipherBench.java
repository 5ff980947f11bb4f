package io.encryptedfs.benchmarks;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
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

/**
 * Raw JCE baseline: seal and open one {@code blockSize} block in memory with one reused {@link
 * Cipher} and a fresh 12-byte IV per block (a counter, as GCM/ChaCha forbid IV reuse under one
 * key). One operation = one block; MiB/s = blockSize / score. With the plain-NIO figure this gives
 * the serial limit 1/(1/plain + 1/cipher) the sequential rows are judged against.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CipherBench {

  @Param({"AES-256-GCM", "CHACHA20-POLY1305"})
  public String impl;

  /** encryptedfs block size (cleartext bytes per sealed block); ignored by plain and cryptofs. */
  @Param({"4096", "16384", "65536"})
  public int blockSize;

  private Cipher cipher;
  private SecretKeySpec key;
  private byte[] plain;
  private final byte[][] sealed = new byte[2][];
  private final byte[][] sealedIv = new byte[2][12];
  private byte[] out;
  private final ByteBuffer aadBuf = ByteBuffer.allocate(16);
  private ByteBuffer plainBuf;
  private ByteBuffer outBuf;
  private final ByteBuffer[] sealedAadBuf = new ByteBuffer[2];
  private byte[] iv = new byte[12];
  private int which = 1; // first open() uses block 0, not block 1 (the last one sealed)
  private long counter;
  private boolean chacha;

  @Setup(Level.Trial)
  public void setup() throws GeneralSecurityException {
    chacha = impl.startsWith("CHACHA");
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, chacha ? "ChaCha20" : "AES");
    cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
    plain = new byte[blockSize];
    ThreadLocalRandom.current().nextBytes(plain);
    out = new byte[blockSize + 16];
    // Two sealed blocks, opened alternately: JDK 17's ChaCha20-Poly1305 refuses to be
    // re-initialised with the key and nonce of its previous initialisation, even to decrypt
    // (JDK 25 accepts it). Still needed after the provider's fix: that fix is in the provider
    // (Aead.open steps through another nonce when it re-opens the nonce it last used), not in the
    // JDK, and this is the raw-JCE baseline. Alternating costs nothing extra: one init per open,
    // as in the provider's usual path.
    for (int i = 0; i < 2; i++) {
      sealed[i] = new byte[blockSize + 16];
      nextIv();
      System.arraycopy(iv, 0, sealedIv[i], 0, 12);
      cipher.init(Cipher.ENCRYPT_MODE, key, spec(sealedIv[i]));
      cipher.doFinal(plain, 0, blockSize, sealed[i], 0);
    }
    plainBuf = ByteBuffer.wrap(plain);
    outBuf = ByteBuffer.allocate(blockSize + 16);
    // the same two blocks sealed with the 16-byte AAD, for openBuffer()
    for (int i = 0; i < 2; i++) {
      byte[] b = new byte[blockSize + 16];
      cipher.init(Cipher.ENCRYPT_MODE, key, spec(sealedIv[i]));
      cipher.updateAAD(new byte[16]);
      cipher.doFinal(plain, 0, blockSize, b, 0);
      sealedAadBuf[i] = ByteBuffer.wrap(b);
    }
  }

  private AlgorithmParameterSpec spec(byte[] v) {
    return chacha ? new IvParameterSpec(v) : new GCMParameterSpec(128, v);
  }

  private void nextIv() {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      iv[i] = (byte) (c >>> (8 * i));
    }
  }

  @Benchmark
  public int seal() throws GeneralSecurityException {
    nextIv();
    cipher.init(Cipher.ENCRYPT_MODE, key, spec(iv));
    return cipher.doFinal(plain, 0, blockSize, out, 0);
  }

  /**
   * The same seal through the ByteBuffer API with a 16-byte AAD, as the provider calls it ({@code
   * Aead.seal}: heap buffers, {@code updateAAD(ByteBuffer)}, {@code doFinal(ByteBuffer,
   * ByteBuffer)}). JDK 17's AES-GCM takes a different, much faster path for large blocks here than
   * through the byte[] API (see RESULTS.md), so the serial limit uses the faster of the two.
   */
  @Benchmark
  public int sealBuffer() throws GeneralSecurityException {
    nextIv();
    cipher.init(Cipher.ENCRYPT_MODE, key, spec(iv));
    cipher.updateAAD(aadBuf.clear());
    return cipher.doFinal(plainBuf.clear(), outBuf.clear());
  }

  /** The same open through the ByteBuffer API with a 16-byte AAD, as the provider calls it. */
  @Benchmark
  public int openBuffer() throws GeneralSecurityException {
    int w = which ^= 1;
    cipher.init(Cipher.DECRYPT_MODE, key, spec(sealedIv[w]));
    cipher.updateAAD(aadBuf.clear());
    return cipher.doFinal(sealedAadBuf[w].clear(), outBuf.clear());
  }

  @Benchmark
  public int open() throws GeneralSecurityException {
    int w = which ^= 1;
    cipher.init(Cipher.DECRYPT_MODE, key, spec(sealedIv[w]));
    return cipher.doFinal(sealed[w], 0, blockSize + 16, out, 0);
  }
}
