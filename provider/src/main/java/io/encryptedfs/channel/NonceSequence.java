package io.encryptedfs.channel;

import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.format.Geometry;
import java.security.SecureRandom;

/**
 * The nonces one writer uses: a random 16-byte key salt drawn once, then an 8-byte counter. The
 * salt selects the content subkey, so nonces from different writers (or different sessions of the
 * same file) fall under different subkeys; within one subkey the counter never repeats. Guarded by
 * the owning file's write lock.
 */
final class NonceSequence {
  private final byte[] salt = new byte[FileKeys.SALT_SIZE];
  private long counter;

  NonceSequence(SecureRandom random) {
    random.nextBytes(salt);
  }

  /** Nonces under the 16 bytes at {@code from} in {@code drawn}, drawn for this writer alone. */
  NonceSequence(byte[] drawn, int from) {
    System.arraycopy(drawn, from, salt, 0, salt.length);
  }

  /** Fills {@code nonce} (24 bytes) with the next nonce. */
  void next(byte[] nonce) {
    if (counter == -1L) {
      throw new IllegalStateException("nonce counter exhausted");
    }
    System.arraycopy(salt, 0, nonce, 0, salt.length);
    long c = counter++;
    for (int i = Geometry.NONCE_SIZE - 1; i >= salt.length; i--) {
      nonce[i] = (byte) c;
      c >>>= 8;
    }
  }
}
