package io.encryptedfs.crypto;

import io.encryptedfs.format.FileHeader;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * Wraps a file's 32-byte data key with a master key by AES Key Wrap (RFC 3394, the JCE's {@code
 * AESWrap}). Key wrap is deterministic and needs no nonce, so wrapping many files under one master
 * key has no nonce budget; its integrity check rejects a wrong master key.
 */
public final class KeyWrap {
  public static final int DATA_KEY_SIZE = 32;

  private static final JceLookup AES_WRAP = new JceLookup("AESWrap");

  private KeyWrap() {}

  /**
   * The 40-byte wrapping of {@code dataKey} under {@code master}. The cipher's encrypt mode, not
   * its wrap mode: that takes a {@code Key}, and the {@code SecretKeySpec} that would be made of
   * the data key keeps a copy of it that Java 17 cannot wipe. Both give RFC 3394's wrapping.
   */
  public static byte[] wrap(SecretKey master, byte[] dataKey) throws GeneralSecurityException {
    Cipher cipher = AES_WRAP.cipher(Cipher.ENCRYPT_MODE, asAes(master));
    byte[] wrapped = cipher.doFinal(dataKey);
    if (wrapped.length != FileHeader.WRAPPED_KEY_SIZE) {
      throw new GeneralSecurityException("unexpected wrapped key length " + wrapped.length);
    }
    return wrapped;
  }

  /**
   * The data key inside {@code wrapped}; the caller wipes the returned array when done.
   *
   * @throws GeneralSecurityException if {@code master} is not the key that wrapped it, or the
   *     wrapping was altered
   */
  public static byte[] unwrap(SecretKey master, byte[] wrapped) throws GeneralSecurityException {
    // Decrypt mode, as wrap uses encrypt mode: the unwrap mode returns the key as a SecretKeySpec.
    Cipher cipher = AES_WRAP.cipher(Cipher.DECRYPT_MODE, asAes(master));
    byte[] encoded = cipher.doFinal(wrapped);
    if (encoded.length != DATA_KEY_SIZE) {
      Arrays.fill(encoded, (byte) 0);
      throw new GeneralSecurityException("unwrapped data key has the wrong length");
    }
    return encoded;
  }

  private static SecretKey asAes(SecretKey master) throws GeneralSecurityException {
    if (!"AES".equalsIgnoreCase(master.getAlgorithm())) {
      throw new GeneralSecurityException(
          "master key must be an AES key, was " + master.getAlgorithm());
    }
    return master;
  }
}
