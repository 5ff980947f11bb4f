package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.format.FileHeader;
import io.encryptedfs.testing.HeapDumps;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of a new file made in a child JVM with a seeded generator, for the tests that search
 * that child's heap dump for them: the file id and data key the loader draws, and the HKDF
 * pseudorandom key they give.
 */
final class SeededFileKeys {
  private SeededFileKeys() {}

  /** The bytes the file loader draws for the file id, data key and key salt. */
  static byte[] drawn(long seed) {
    byte[] bytes = new byte[FileHeader.FILE_ID_SIZE + 32 + 16];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  /** A generator that gives every caller the start of {@link #drawn}. */
  static SecureRandom generator(long seed) {
    return new SecureRandom() {
      @Override
      public void nextBytes(byte[] bytes) {
        byte[] drawn = drawn(seed);
        System.arraycopy(drawn, 0, bytes, 0, Math.min(bytes.length, drawn.length));
        Arrays.fill(drawn, (byte) 0);
      }
    };
  }

  /**
   * Asserts that {@code heap} holds the file id (so the search works) and no copy of the data key
   * or of the pseudorandom key.
   */
  static void assertNoneIn(byte[] heap, long seed) throws GeneralSecurityException {
    byte[] drawn = drawn(seed);
    byte[] fileId = Arrays.copyOf(drawn, FileHeader.FILE_ID_SIZE);
    byte[] dataKey = Arrays.copyOfRange(drawn, FileHeader.FILE_ID_SIZE, 48);
    Mac extract = Mac.getInstance("HmacSHA256");
    extract.init(new SecretKeySpec(fileId, "HmacSHA256"));
    byte[] prk = extract.doFinal(dataKey);
    assertTrue(
        HeapDumps.count(heap, fileId) > 0, "the dump holds the file id, so the heap is searched");
    assertEquals(0, HeapDumps.count(heap, prk), "copies of the failed file's pseudorandom key");
    assertEquals(0, HeapDumps.count(heap, dataKey), "copies of the failed file's data key");
  }
}
