package io.encryptedfs.crypto;

import io.encryptedfs.Algorithm;
import io.encryptedfs.format.Geometry;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * Seals and opens one block with the JCE's AEAD for an algorithm. The stored 24-byte nonce is a
 * 16-byte key salt (which selects the subkey, see {@link FileKeys}) and an 8-byte counter; the
 * cipher's 96-bit IV is the nonce's last 12 bytes (the salt's last four bytes, then the counter).
 *
 * <p>One {@link Cipher} per thread and algorithm is reused ({@link ThreadCache}): {@code
 * Cipher.getInstance} is costly, while re-initialising with the same key skips the key schedule.
 */
public final class Aead {
  private static final int IV_SIZE = 12;

  private final Algorithm algorithm;
  private final ThreadCache<PerThread> ciphers;

  /**
   * Whether this JDK's ChaCha20-Poly1305 decrypts in place only a ciphertext that starts at index 0
   * of its array. JDK 17 (seen on 17.0.15) copies any other into a growing buffer first: about 8
   * KiB of garbage and two extra copies for a 4 KiB block, where moving it to index 0 here costs
   * one copy and nothing on the heap. JDK 25 takes any offset (JDK-8318756 reworked that buffering
   * after JDK 21). A stored block's ciphertext follows its nonce, so it never starts at index 0.
   */
  private static final boolean CHACHA_WANTS_INPUT_AT_ZERO = Runtime.version().feature() < 22;

  /** A thread's cipher, the nonce of its last init, and a buffer for input moved to index 0. */
  private static final class PerThread {
    final Cipher cipher;
    final byte[] lastNonce = new byte[Geometry.NONCE_SIZE];
    private ByteBuffer atZero = ByteBuffer.allocate(0);

    PerThread(Cipher cipher) {
      this.cipher = cipher;
    }

    /** The rest of {@code in}, copied to the start of this thread's buffer; consumes {@code in}. */
    ByteBuffer atZero(ByteBuffer in) {
      int n = in.remaining();
      if (atZero.capacity() < n) {
        atZero = ByteBuffer.allocate(n);
      }
      atZero.clear().limit(n);
      atZero.put(in).flip();
      return atZero;
    }
  }

  private Aead(Algorithm algorithm) {
    this.algorithm = algorithm;
    String transformation =
        algorithm == Algorithm.CHACHA20_POLY1305 ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding";
    this.ciphers =
        ThreadCache.of(
            () -> {
              try {
                return new PerThread(Cipher.getInstance(transformation));
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException(transformation + " is not available", e);
              }
            });
  }

  private static final Aead AES_256 = new Aead(Algorithm.AES_256_GCM);
  private static final Aead AES_128 = new Aead(Algorithm.AES_128_GCM);
  private static final Aead CHACHA = new Aead(Algorithm.CHACHA20_POLY1305);

  /** The shared instance for {@code algorithm}. */
  public static Aead of(Algorithm algorithm) {
    return switch (algorithm) {
      case AES_256_GCM -> AES_256;
      case AES_128_GCM -> AES_128;
      case CHACHA20_POLY1305 -> CHACHA;
    };
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /**
   * Writes {@code nonce || ciphertext || tag} for {@code plain} to {@code out}.
   *
   * @param nonce 24 bytes: salt then counter
   */
  public void seal(SecretKey key, byte[] nonce, ByteBuffer aad, ByteBuffer plain, ByteBuffer out)
      throws GeneralSecurityException {
    PerThread t = ciphers.take();
    try {
      Cipher cipher = t.cipher;
      cipher.init(Cipher.ENCRYPT_MODE, key, params(nonce));
      System.arraycopy(nonce, 0, t.lastNonce, 0, Geometry.NONCE_SIZE);
      updateAad(cipher, aad);
      out.put(nonce, 0, Geometry.NONCE_SIZE);
      cipher.doFinal(plain, out);
    } finally {
      ciphers.give(t);
    }
  }

  /**
   * Always from an array: JDK 17's ChaCha20-Poly1305 (seen on 17.0.15) authenticates associated
   * data given as a {@code ByteBuffer} wrongly once it is 16 bytes or longer (Poly1305 reads the
   * buffer's 16-byte blocks big-endian, JDK-8297972, fixed in JDK 20), so the tag would match
   * neither RFC 8439 nor any other JDK.
   */
  private static void updateAad(Cipher cipher, ByteBuffer aad) {
    if (aad.hasArray()) {
      cipher.updateAAD(aad.array(), aad.arrayOffset() + aad.position(), aad.remaining());
      aad.position(aad.limit());
    } else {
      byte[] copy = new byte[aad.remaining()];
      aad.get(copy);
      cipher.updateAAD(copy);
    }
  }

  /**
   * The associated data as JDK 17's ChaCha20-Poly1305 authenticated it from a {@code ByteBuffer}
   * (see {@link #updateAad}): each whole 16-byte block with its two 8-byte halves reversed, the
   * rest as is. Earlier versions of this library sealed ChaCha20-Poly1305 units that way when they
   * ran on JDK 17; they open through this on any JDK.
   */
  static byte[] jdk17ByteBufferAad(ByteBuffer aad) {
    byte[] a = new byte[aad.remaining()];
    aad.duplicate().get(a);
    for (int block = 0; block + 16 <= a.length; block += 16) {
      for (int half = block; half < block + 16; half += 8) {
        for (int i = 0; i < 4; i++) {
          byte b = a[half + i];
          a[half + i] = a[half + 7 - i];
          a[half + 7 - i] = b;
        }
      }
    }
    return a;
  }

  /**
   * Authenticates and decrypts {@code sealed} (ciphertext and tag, positioned after the stored
   * {@code nonce}) into {@code out}. The caller passes a scratch buffer for {@code out} and
   * discards it on failure, so no byte of an unauthentic block reaches a caller whatever the JCE's
   * buffering.
   *
   * @throws AEADBadTagException if the block is not authentic
   */
  public void open(SecretKey key, byte[] nonce, ByteBuffer aad, ByteBuffer sealed, ByteBuffer out)
      throws GeneralSecurityException {
    PerThread t = ciphers.take();
    try {
      open(t, key, nonce, aad, sealed, out);
    } finally {
      ciphers.give(t);
    }
  }

  private void open(
      PerThread t, SecretKey key, byte[] nonce, ByteBuffer aad, ByteBuffer sealed, ByteBuffer out)
      throws GeneralSecurityException {
    Cipher cipher = t.cipher;
    int aadAt = aad.position();
    initDecrypt(t, key, nonce);
    updateAad(cipher, aad);
    ByteBuffer in = sealed;
    if (algorithm == Algorithm.CHACHA20_POLY1305
        && CHACHA_WANTS_INPUT_AT_ZERO
        && sealed.hasArray()
        && sealed.arrayOffset() + sealed.position() != 0) {
      in = t.atZero(sealed);
    }
    int inAt = in.position();
    int outAt = out.position();
    try {
      cipher.doFinal(in, out);
    } catch (AEADBadTagException standard) {
      aad.position(aadAt);
      if (algorithm != Algorithm.CHACHA20_POLY1305 || aad.remaining() < 16) {
        throw standard;
      }
      // Perhaps sealed on JDK 17 by a version before the fix (see jdk17ByteBufferAad). Forging
      // a tag is as hard for that associated data as for any other, and it cannot be mistaken
      // for another unit's: the file id's bytes, reordered, would have to be another file's id.
      in.position(inAt);
      out.position(outAt);
      initDecrypt(t, key, nonce);
      cipher.updateAAD(jdk17ByteBufferAad(aad));
      try {
        cipher.doFinal(in, out);
      } catch (AEADBadTagException legacy) {
        throw standard;
      }
      aad.position(aad.limit());
    }
  }

  private void initDecrypt(PerThread t, SecretKey key, byte[] nonce)
      throws GeneralSecurityException {
    Cipher cipher = t.cipher;
    if (algorithm == Algorithm.CHACHA20_POLY1305 && Arrays.equals(t.lastNonce, nonce)) {
      // The JDK's ChaCha20-Poly1305 refuses an init with the key and nonce of its previous init in
      // either direction (a guard against nonce reuse when sealing). Opening the block just sealed
      // or just opened is legitimate, so step through a different nonce first.
      byte[] other = nonce.clone();
      other[Geometry.NONCE_SIZE - 1] ^= 1;
      cipher.init(Cipher.DECRYPT_MODE, key, params(other));
    }
    cipher.init(Cipher.DECRYPT_MODE, key, params(nonce));
    System.arraycopy(nonce, 0, t.lastNonce, 0, Geometry.NONCE_SIZE);
  }

  private AlgorithmParameterSpec params(byte[] nonce) {
    int ivOffset = Geometry.NONCE_SIZE - IV_SIZE;
    if (algorithm == Algorithm.CHACHA20_POLY1305) {
      return new IvParameterSpec(nonce, ivOffset, IV_SIZE);
    }
    return new GCMParameterSpec(Geometry.TAG_SIZE * 8, nonce, ivOffset, IV_SIZE);
  }
}
