package io.encryptedfs.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.SecretKey;

/** Assertions that a text, such as a {@code toString()}, gives away nothing of a key. */
public final class SecretText {
  private SecretText() {}

  /**
   * Fails if {@code text} holds {@code key}'s bytes (hex, Base64, as {@code Arrays.toString}), or
   * its {@code hashCode} in hex: a {@code SecretKeySpec} prints as {@code Object.toString()}, whose
   * hash {@code SecretKeySpec} computes from the key bytes.
   */
  public static void assertNoTraceOf(SecretKey key, String text) {
    byte[] bytes = key.getEncoded();
    String lower = text.toLowerCase(Locale.ROOT);
    assertFalse(
        lower.contains(Integer.toHexString(key.hashCode())), () -> "the key's hash in " + text);
    assertFalse(lower.contains(HexFormat.of().formatHex(bytes)), () -> "the key in hex in " + text);
    assertFalse(
        text.contains(Base64.getEncoder().withoutPadding().encodeToString(bytes)),
        () -> "the key in Base64 in " + text);
    assertFalse(text.contains(Arrays.toString(bytes)), () -> "the key's bytes in " + text);
    assertFalse(text.contains("SecretKeySpec"), () -> "a SecretKeySpec's own text in " + text);
  }
}
