package io.encryptedfs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** AES Key Wrap of the data key: RFC 3394's vector, and its integrity check as key confirmation. */
class KeyWrapTest {
  // RFC 3394 section 4.6: wrap 256 bits of key data with a 256-bit KEK.
  private static final byte[] KEK =
      AeadTest.hex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
  private static final byte[] KEY_DATA =
      AeadTest.hex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
  private static final byte[] WRAPPED =
      AeadTest.hex(
          "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");

  private static final SecretKey MASTER = new SecretKeySpec(KEK, "AES");

  @Test
  void rfc3394Section46() throws Exception {
    assertArrayEquals(WRAPPED, KeyWrap.wrap(MASTER, KEY_DATA));
    assertArrayEquals(KEY_DATA, KeyWrap.unwrap(MASTER, WRAPPED));
  }

  @Test
  void unwrapRejectsAWrongMasterKey() {
    byte[] other = KEK.clone();
    other[31] ^= 1;
    assertThrows(
        GeneralSecurityException.class,
        () -> KeyWrap.unwrap(new SecretKeySpec(other, "AES"), WRAPPED));
    assertThrows(
        GeneralSecurityException.class,
        () -> KeyWrap.unwrap(new SecretKeySpec(new byte[16], "AES"), WRAPPED));
  }

  @Test
  void unwrapRejectsEveryAlteredBit() {
    for (int bit = 0; bit < WRAPPED.length * 8; bit++) {
      byte[] bad = WRAPPED.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThrows(GeneralSecurityException.class, () -> KeyWrap.unwrap(MASTER, bad), "bit " + bit);
    }
  }

  @Test
  void rejectsNonAesMasterKeyAndWrongDataKeyLength() {
    assertThrows(
        GeneralSecurityException.class,
        () -> KeyWrap.wrap(new SecretKeySpec(KEK, "HmacSHA256"), KEY_DATA));
    assertThrows(
        GeneralSecurityException.class,
        () -> KeyWrap.unwrap(new SecretKeySpec(KEK, "HmacSHA256"), WRAPPED));
    // A 16-byte data key would wrap to 24 bytes, which does not fit the header field.
    assertThrows(GeneralSecurityException.class, () -> KeyWrap.wrap(MASTER, new byte[16]));
    // RFC 3394 4.1's authentic wrapping of a 16-byte key unwraps, but is not a data key.
    assertThrows(
        GeneralSecurityException.class,
        () ->
            KeyWrap.unwrap(
                new SecretKeySpec(java.util.Arrays.copyOf(KEK, 16), "AES"),
                AeadTest.hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")));
  }
}
