package io.encryptedfs.keystore;

/**
 * How strongly a keystore written by this module is protected by its password, and the minimum
 * accepted silently when one is opened.
 *
 * <p>Every password-protected part of a PKCS#12 file is an offline oracle for the password, so the
 * file is only as strong as its weakest part: the key entries and the integrity MAC get equal cost.
 *
 * @param keyIterations PBKDF2-HMAC-SHA256 iterations for each key entry (PBES2 with AES-256-CBC)
 * @param macIterations iterations of the PKCS#12 key derivation (SHA-256) behind the HmacPBESHA256
 *     integrity MAC
 * @param saltLength bytes of fresh random salt for each entry and for the MAC
 */
record ProtectionParameters(int keyIterations, int macIterations, int saltLength) {

  /**
   * The defaults: 600,000 PBKDF2-HMAC-SHA256 iterations (OWASP's 2023 figure) for keys, and
   * 1,200,000 for the MAC because one PKCS#12-KDF iteration is a single SHA-256 compression where a
   * PBKDF2-HMAC iteration is two, so the MAC is not the cheaper oracle. Both stay under the JDK's
   * load-time ceiling of 5,000,000. JDK 17's own defaults are 10,000 for both.
   */
  static final ProtectionParameters DEFAULT = new ProtectionParameters(600_000, 1_200_000, 16);

  /** The key protection algorithm: PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC. */
  static final String KEY_ALGORITHM = "PBEWithHmacSHA256AndAES_256";

  /** The integrity MAC algorithm: the PKCS#12 KDF and HMAC, both with SHA-256. */
  static final String MAC_ALGORITHM = "HmacPBESHA256";

  private static final int JDK_MAX_ITERATIONS = 5_000_000;

  ProtectionParameters {
    if (keyIterations < 1 || keyIterations > JDK_MAX_ITERATIONS) {
      throw new IllegalArgumentException("keyIterations out of range: " + keyIterations);
    }
    if (macIterations < 1 || macIterations > JDK_MAX_ITERATIONS) {
      throw new IllegalArgumentException("macIterations out of range: " + macIterations);
    }
    if (saltLength < 16) {
      throw new IllegalArgumentException("saltLength below 16 bytes: " + saltLength);
    }
  }
}
