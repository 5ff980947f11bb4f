package io.encryptedfs.benchmarks;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
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
 * Probe (session 39, not part of the suite): one 4 KiB ChaCha20-Poly1305 seal or open with a
 * 16-byte AAD through the JCE and through Bouncy Castle's lightweight {@code ChaCha20Poly1305}, one
 * reused instance each, a fresh nonce per seal. Asks whether Bouncy Castle would be the faster
 * ChaCha20-Poly1305 on JDK 17, whose JCE has no ChaCha20 or Poly1305 intrinsic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChaChaEngineBench {
  @Param({"jce", "bc"})
  public String engine;

  @Param({"4096"})
  public int blockSize;

  private Cipher jce;
  private SecretKeySpec key;
  private ChaCha20Poly1305 bc;
  private KeyParameter bcKey;
  private byte[] plain;
  private byte[] out;
  private final byte[] aad = new byte[16];
  private final byte[] iv = new byte[12];
  private final byte[][] sealed = new byte[2][];
  private final byte[][] sealedIv = new byte[2][12];
  private int which = 1;
  private long counter;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    key = new SecretKeySpec(k, "ChaCha20");
    bcKey = new KeyParameter(k);
    jce = Cipher.getInstance("ChaCha20-Poly1305");
    bc = new ChaCha20Poly1305();
    plain = new byte[blockSize];
    ThreadLocalRandom.current().nextBytes(plain);
    out = new byte[blockSize + 16];
    // Two sealed blocks opened in turn: JDK 17's ChaCha20-Poly1305 refuses an init with the key
    // and nonce of the one before.
    for (int i = 0; i < 2; i++) {
      nextIv();
      System.arraycopy(iv, 0, sealedIv[i], 0, 12);
      jce.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(sealedIv[i]));
      jce.updateAAD(aad);
      sealed[i] = jce.doFinal(plain);
    }
  }

  private void nextIv() {
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (c >>> (8 * i));
    }
  }

  @Benchmark
  public int seal() throws GeneralSecurityException, InvalidCipherTextException {
    nextIv();
    if (engine.equals("jce")) {
      jce.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      jce.updateAAD(aad);
      return jce.doFinal(plain, 0, blockSize, out, 0);
    }
    bc.init(true, new AEADParameters(bcKey, 128, iv));
    bc.processAADBytes(aad, 0, 16);
    int n = bc.processBytes(plain, 0, blockSize, out, 0);
    return n + bc.doFinal(out, n);
  }

  @Benchmark
  public int open() throws GeneralSecurityException, InvalidCipherTextException {
    int w = which ^= 1;
    if (engine.equals("jce")) {
      jce.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(sealedIv[w]));
      jce.updateAAD(aad);
      return jce.doFinal(sealed[w], 0, blockSize + 16, out, 0);
    }
    bc.init(false, new AEADParameters(bcKey, 128, sealedIv[w]));
    bc.processAADBytes(aad, 0, 16);
    int n = bc.processBytes(sealed[w], 0, blockSize + 16, out, 0);
    return n + bc.doFinal(out, n);
  }
}
