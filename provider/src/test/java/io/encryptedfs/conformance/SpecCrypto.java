package io.encryptedfs.conformance;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptography of FORMAT.md sections 3 to 5, written from the document on the JCE alone (an
 * HKDF on {@code HmacSHA256}, {@code AESWrap}, the two AEADs), never through the provider's own
 * classes, so that a disagreement between code and document shows.
 */
final class SpecCrypto {
  static final int ALG_AES_256_GCM = 1;
  static final int ALG_AES_128_GCM = 2;
  static final int ALG_CHACHA20_POLY1305 = 3;

  private static final byte[] HEADER_INFO = ascii("encryptedfs v1 header mac");
  private static final byte[] CONTENT_INFO = ascii("encryptedfs v1 content");

  private SpecCrypto() {}

  /** RFC 5869 HKDF-SHA256: extract with {@code salt}, expand with {@code info}. */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int at = 0, i = 1; at < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - at);
      System.arraycopy(t, 0, out, at, n);
      at += n;
    }
    return out;
  }

  static byte[] headerMac(byte[] dataKey, byte[] fileId, byte[] slot) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(hkdf(fileId, dataKey, HEADER_INFO, 32), "HmacSHA256"));
    mac.update(slot, 0, 224);
    return mac.doFinal();
  }

  static byte[] contentKey(int algorithm, byte[] dataKey, byte[] fileId, byte[] keySalt)
      throws Exception {
    byte[] info = concat(CONTENT_INFO, new byte[] {(byte) algorithm}, keySalt);
    return hkdf(fileId, dataKey, info, algorithm == ALG_AES_128_GCM ? 16 : 32);
  }

  /** RFC 3394 key wrap of a 32-byte data key: 40 bytes. */
  static byte[] wrap(SecretKey master, byte[] dataKey) throws Exception {
    Cipher c = Cipher.getInstance("AESWrap");
    c.init(Cipher.WRAP_MODE, master);
    return c.wrap(new SecretKeySpec(dataKey, "AES"));
  }

  /** The data key, or an exception when {@code master} did not wrap it. */
  static byte[] unwrap(SecretKey master, byte[] wrapped) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AESWrap");
    c.init(Cipher.UNWRAP_MODE, master);
    Key key = c.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
    return key.getEncoded();
  }

  /**
   * Seals {@code plain} under the 24-byte {@code nonce} (key salt || counter): returns ciphertext
   * then tag, without the nonce.
   */
  static byte[] seal(
      int algorithm, byte[] dataKey, byte[] fileId, byte[] nonce, byte[] aad, byte[] plain)
      throws Exception {
    Cipher c = cipher(Cipher.ENCRYPT_MODE, algorithm, dataKey, fileId, nonce);
    c.updateAAD(aad);
    return c.doFinal(plain);
  }

  /** Opens ciphertext-then-tag; throws {@code AEADBadTagException} if it does not authenticate. */
  static byte[] open(
      int algorithm, byte[] dataKey, byte[] fileId, byte[] nonce, byte[] aad, byte[] sealed)
      throws Exception {
    Cipher c = cipher(Cipher.DECRYPT_MODE, algorithm, dataKey, fileId, nonce);
    c.updateAAD(aad);
    return c.doFinal(sealed);
  }

  /**
   * Section 4: associated data as JDK 17's ChaCha20-Poly1305 authenticated it from a {@code
   * ByteBuffer}, each whole 16-byte block with its two 8-byte halves byte-reversed.
   */
  static byte[] jdk17Aad(byte[] aad) {
    byte[] out = aad.clone();
    for (int half = 0; half + 8 <= aad.length - aad.length % 16; half += 8) {
      for (int i = 0; i < 8; i++) {
        out[half + i] = aad[half + 7 - i];
      }
    }
    return out;
  }

  private static Cipher cipher(int mode, int algorithm, byte[] dataKey, byte[] fileId, byte[] nonce)
      throws Exception {
    byte[] key = contentKey(algorithm, dataKey, fileId, Arrays.copyOf(nonce, 16));
    byte[] iv = Arrays.copyOfRange(nonce, 12, 24);
    if (algorithm == ALG_CHACHA20_POLY1305) {
      Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
      c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
      return c;
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    return c;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
