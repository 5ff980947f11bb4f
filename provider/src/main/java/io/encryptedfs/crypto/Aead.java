package io.encryptedfs.crypto;

import io.encryptedfs.Algorithm;
import io.encryptedfs.format.Geometry;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
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
 * <p>One {@link Cipher} per thread and algorithm is reused: {@code Cipher.getInstance} is costly,
 * while re-initialising with the same key skips the key schedule.
 */
public final class Aead {
  private static final int IV_SIZE = 12;

  private final Algorithm algorithm;
  private final ThreadLocal<Cipher> ciphers;

  private Aead(Algorithm algorithm) {
    this.algorithm = algorithm;
    String transformation =
        algorithm == Algorithm.CHACHA20_POLY1305 ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding";
    this.ciphers =
        ThreadLocal.withInitial(
            () -> {
              try {
                return Cipher.getInstance(transformation);
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
    Cipher cipher = ciphers.get();
    cipher.init(Cipher.ENCRYPT_MODE, key, params(nonce));
    cipher.updateAAD(aad);
    out.put(nonce, 0, Geometry.NONCE_SIZE);
    cipher.doFinal(plain, out);
  }

  /**
   * Authenticates and decrypts {@code sealed} (ciphertext and tag, positioned after the stored
   * {@code nonce}) into {@code out}. The caller passes a scratch buffer for {@code out} and discards
   * it on failure, so no byte of an unauthentic block reaches a caller whatever the JCE's buffering.
   *
   * @throws AEADBadTagException if the block is not authentic
   */
  public void open(SecretKey key, byte[] nonce, ByteBuffer aad, ByteBuffer sealed, ByteBuffer out)
      throws GeneralSecurityException {
    Cipher cipher = ciphers.get();
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, params(nonce));
    } catch (InvalidKeyException e) {
      // The JDK's ChaCha20-Poly1305 refuses any init, even to decrypt, with the key and nonce of
      // its previous init, so opening one block twice in a row would fail. A fresh Cipher has no
      // previous init; a genuinely invalid key fails again there.
      ciphers.remove();
      cipher = ciphers.get();
      cipher.init(Cipher.DECRYPT_MODE, key, params(nonce));
    }
    cipher.updateAAD(aad);
    cipher.doFinal(sealed, out);
  }

  private AlgorithmParameterSpec params(byte[] nonce) {
    int ivOffset = Geometry.NONCE_SIZE - IV_SIZE;
    if (algorithm == Algorithm.CHACHA20_POLY1305) {
      return new IvParameterSpec(nonce, ivOffset, IV_SIZE);
    }
    return new GCMParameterSpec(Geometry.TAG_SIZE * 8, nonce, ivOffset, IV_SIZE);
  }
}
