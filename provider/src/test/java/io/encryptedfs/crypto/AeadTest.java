package io.encryptedfs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import io.encryptedfs.Algorithm;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Published known-answer vectors through {@link Aead}: they pin the transformation, the tag length
 * and, above all, which 12 bytes of the stored 24-byte nonce become the cipher's IV (the last 12).
 * The first 12 bytes are filled with junk so that using the wrong end of the nonce fails the
 * vector.
 *
 * <p>Each test seals a given (key, IV) at most once: the JDK refuses to re-initialise an encrypting
 * GCM or ChaCha20-Poly1305 cipher with the key and IV it last used.
 */
class AeadTest {
  // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 4 (AES-128) and 16
  // (AES-256).
  private static final String GCM_P =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
  private static final String GCM_A = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
  private static final String GCM_IV = "cafebabefacedbaddecaf888";
  private static final String GCM_K128 = "feffe9928665731c6d6a8f9467308308";
  private static final String GCM_C4 =
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
          + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091";
  private static final String GCM_T4 = "5bc94fbc3221a5db94fae95ae7121a47";
  private static final String GCM_K256 =
      "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
  private static final String GCM_C16 =
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
          + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662";
  private static final String GCM_T16 = "76fc6ece0f4e1768cddf8853bb2d551b";

  // RFC 8439 section 2.8.2.
  private static final String CC_KEY =
      "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
  private static final String CC_IV = "070000004041424344454647";
  private static final String CC_AAD = "50515253c0c1c2c3c4c5c6c7";
  private static final byte[] CC_P =
      ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
              + " future, sunscreen would be it.")
          .getBytes(StandardCharsets.US_ASCII);
  private static final String CC_C =
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
          + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
          + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
          + "3ff4def08e4b7a9de576d26586cec64b6116";
  private static final String CC_T = "1ae10b594f09e26a7e902ecbd0600691";

  @Test
  void aes128GcmMcGrewViegaCase4() throws Exception {
    checkVector(
        Algorithm.AES_128_GCM,
        key(GCM_K128, "AES"),
        GCM_IV,
        hex(GCM_A),
        hex(GCM_P),
        GCM_C4 + GCM_T4);
  }

  @Test
  void aes256GcmMcGrewViegaCase16() throws Exception {
    checkVector(
        Algorithm.AES_256_GCM,
        key(GCM_K256, "AES"),
        GCM_IV,
        hex(GCM_A),
        hex(GCM_P),
        GCM_C16 + GCM_T16);
  }

  @Test
  void chacha20Poly1305Rfc8439Section282() throws Exception {
    checkVector(
        Algorithm.CHACHA20_POLY1305,
        key(CC_KEY, "ChaCha20"),
        CC_IV,
        hex(CC_AAD),
        CC_P,
        CC_C + CC_T);
  }

  /**
   * Associated data of every length up to three Poly1305 blocks, against Bouncy Castle's
   * independent ChaCha20-Poly1305: JDK 17 authenticated associated data of 16 bytes or more wrongly
   * when given as a ByteBuffer, which the RFC vector (12 bytes) does not reach; every home block
   * (25 bytes) and tail record (41 bytes) does.
   */
  @Test
  void chacha20Poly1305MatchesAnIndependentImplementationForAnyAssociatedData() throws Exception {
    Aead aead = Aead.of(Algorithm.CHACHA20_POLY1305);
    byte[] keyBytes = hex(CC_KEY);
    byte[] plain = Arrays.copyOf(CC_P, 100);
    for (int length = 0; length <= 48; length++) {
      byte[] aad = new byte[length];
      new Random(length).nextBytes(aad);
      byte[] nonce = nonce(String.format("%024x", length + 1));
      ByteBuffer out = ByteBuffer.allocate(24 + plain.length + 16);
      aead.seal(key(CC_KEY, "ChaCha20"), nonce, ByteBuffer.wrap(aad), ByteBuffer.wrap(plain), out);
      byte[] expected = bouncyCastleSeal(keyBytes, nonce, aad, plain);
      assertArrayEquals(
          expected, Arrays.copyOfRange(out.array(), 24, out.capacity()), "aad length " + length);
      ByteBuffer back = ByteBuffer.allocate(plain.length);
      aead.open(
          key(CC_KEY, "ChaCha20"), nonce, ByteBuffer.wrap(aad), ByteBuffer.wrap(expected), back);
      assertArrayEquals(plain, back.array());
    }
  }

  /**
   * Units that an earlier version sealed on JDK 17, whose tag covers the associated data as JDK 17
   * read it from a ByteBuffer, still open, on any JDK; with any other associated data they fail.
   */
  @Test
  void chacha20Poly1305UnitsSealedTheJdk17WayStillOpen() throws Exception {
    Aead aead = Aead.of(Algorithm.CHACHA20_POLY1305);
    byte[] keyBytes = hex(CC_KEY);
    for (int length : new int[] {16, 25, 41, 48}) {
      byte[] aad = new byte[length];
      new Random(100 + length).nextBytes(aad);
      byte[] nonce = nonce(String.format("%024x", 1000 + length));
      byte[] legacy =
          bouncyCastleSeal(keyBytes, nonce, Aead.jdk17ByteBufferAad(ByteBuffer.wrap(aad)), CC_P);
      ByteBuffer back = ByteBuffer.allocate(CC_P.length);
      aead.open(
          key(CC_KEY, "ChaCha20"), nonce, ByteBuffer.wrap(aad), ByteBuffer.wrap(legacy), back);
      assertArrayEquals(CC_P, back.array(), "aad length " + length);
      byte[] other = aad.clone();
      other[length - 1] ^= 1;
      assertOpenFails(aead, key(CC_KEY, "ChaCha20"), nonce, other, legacy);
    }
  }

  private static byte[] bouncyCastleSeal(byte[] key, byte[] nonce, byte[] aad, byte[] plain)
      throws Exception {
    org.bouncycastle.crypto.modes.ChaCha20Poly1305 bc =
        new org.bouncycastle.crypto.modes.ChaCha20Poly1305();
    bc.init(
        true,
        new org.bouncycastle.crypto.params.AEADParameters(
            new org.bouncycastle.crypto.params.KeyParameter(key),
            128,
            Arrays.copyOfRange(nonce, 12, 24),
            aad));
    byte[] out = new byte[bc.getOutputSize(plain.length)];
    int n = bc.processBytes(plain, 0, plain.length, out, 0);
    bc.doFinal(out, n);
    return out;
  }

  @Test
  void everyAlteredBitOfCiphertextTagOrAadIsRejected() throws Exception {
    rejectsAlterations(
        Algorithm.AES_256_GCM, key(GCM_K256, "AES"), GCM_IV, hex(GCM_A), hex(GCM_C16 + GCM_T16));
    rejectsAlterations(
        Algorithm.AES_128_GCM, key(GCM_K128, "AES"), GCM_IV, hex(GCM_A), hex(GCM_C4 + GCM_T4));
    rejectsAlterations(
        Algorithm.CHACHA20_POLY1305, key(CC_KEY, "ChaCha20"), CC_IV, hex(CC_AAD), hex(CC_C + CC_T));
  }

  @Test
  void openingTheSameBlockTwiceInARowWorks() throws Exception {
    // Regression: the JDK's ChaCha20-Poly1305 refuses to re-init with its previous key and nonce,
    // even to decrypt, so reading one block twice on a thread reported it as damaged.
    for (Algorithm alg : Algorithm.values()) {
      SecretKey key =
          alg == Algorithm.CHACHA20_POLY1305
              ? key(CC_KEY, "ChaCha20")
              : key(alg == Algorithm.AES_128_GCM ? GCM_K128 : GCM_K256, "AES");
      byte[] nonce = nonce("0102030405060708090a0b0c");
      ByteBuffer out = ByteBuffer.allocate(24 + 3 + 16);
      Aead.of(alg)
          .seal(key, nonce, ByteBuffer.allocate(0), ByteBuffer.wrap(new byte[] {1, 2, 3}), out);
      for (int i = 0; i < 3; i++) {
        ByteBuffer plain = ByteBuffer.allocate(3);
        Aead.of(alg)
            .open(key, nonce, ByteBuffer.allocate(0), ByteBuffer.wrap(out.array(), 24, 19), plain);
        assertArrayEquals(new byte[] {1, 2, 3}, plain.array(), alg + " open #" + i);
      }
    }
  }

  @Test
  void opensACiphertextAtAnyOffsetOfItsArray() throws Exception {
    // A stored block's ciphertext follows its nonce, and a batch holds many blocks, so the
    // provider never opens one that starts at index 0 (Aead moves it there for JDK 17's ChaCha).
    byte[] plain = new byte[4096];
    new Random(7).nextBytes(plain);
    long counter = 1;
    for (Algorithm alg : Algorithm.values()) {
      SecretKey key = anyKey(alg);
      for (int offset : new int[] {0, 1, 24, 4136 + 24}) {
        byte[] nonce = nonce(String.format("%024x", counter++));
        ByteBuffer out = ByteBuffer.allocate(24 + plain.length + 16);
        Aead.of(alg).seal(key, nonce, ByteBuffer.allocate(0), ByteBuffer.wrap(plain), out);
        byte[] stored = new byte[offset + plain.length + 16 + 5];
        System.arraycopy(out.array(), 24, stored, offset, plain.length + 16);
        ByteBuffer sealed = ByteBuffer.wrap(stored, offset, plain.length + 16);
        ByteBuffer back = ByteBuffer.allocate(plain.length);
        Aead.of(alg).open(key, nonce, ByteBuffer.allocate(0), sealed, back);
        assertArrayEquals(plain, back.array(), alg + " at offset " + offset);
        assertEquals(sealed.limit(), sealed.position(), "the input is consumed, as doFinal does");
        ByteBuffer slice = ByteBuffer.wrap(stored, offset, plain.length + 16).slice();
        Aead.of(alg).open(key, nonce, ByteBuffer.allocate(0), slice, back.clear());
        assertArrayEquals(plain, back.array(), alg + " in a slice at offset " + offset);

        stored[offset + 100] ^= 1;
        assertThrows(
            AEADBadTagException.class,
            () ->
                Aead.of(alg)
                    .open(
                        key,
                        nonce,
                        ByteBuffer.allocate(0),
                        ByteBuffer.wrap(stored, offset, plain.length + 16),
                        ByteBuffer.allocate(plain.length)),
            alg + " damaged at offset " + offset);
      }
    }
  }

  @Test
  void openingABlockAfterItsNonceLeavesLittleGarbage() throws Exception {
    // JDK 17's ChaCha20-Poly1305 copied a ciphertext not at index 0 into a growing buffer: about
    // 10 KB allocated per 4 KiB block opened, against about 2.4 KB for the cipher's own state.
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertTrue(threads.isThreadAllocatedMemorySupported());
    assertTrue(threads.isThreadAllocatedMemoryEnabled());
    long thread = Thread.currentThread().getId();
    byte[] plain = new byte[4096];
    for (Algorithm alg : Algorithm.values()) {
      SecretKey key = anyKey(alg);
      // Two blocks opened in turn: opening one block twice in a row costs ChaCha an extra init.
      byte[][] nonces = {nonce("00000000000000000000abcd"), nonce("00000000000000000000abce")};
      ByteBuffer[] stored = new ByteBuffer[2];
      for (int b = 0; b < 2; b++) {
        stored[b] = ByteBuffer.allocate(24 + plain.length + 16);
        Aead.of(alg)
            .seal(key, nonces[b], ByteBuffer.allocate(0), ByteBuffer.wrap(plain), stored[b]);
      }
      ByteBuffer aad = ByteBuffer.allocate(0);
      ByteBuffer back = ByteBuffer.allocate(plain.length);
      int opens = 2_000;
      long before = 0;
      for (int i = 0; i < 2 * opens; i++) {
        if (i == opens) {
          before = threads.getThreadAllocatedBytes(thread);
        }
        ByteBuffer sealed = stored[i % 2];
        sealed.position(24);
        Aead.of(alg).open(key, nonces[i % 2], aad.clear(), sealed, back.clear());
      }
      long perOpen = (threads.getThreadAllocatedBytes(thread) - before) / opens;
      assertTrue(perOpen < plain.length, alg + " allocated " + perOpen + " bytes per open");
    }
  }

  private static SecretKey anyKey(Algorithm alg) {
    return switch (alg) {
      case CHACHA20_POLY1305 -> key(CC_KEY, "ChaCha20");
      case AES_128_GCM -> key(GCM_K128, "AES");
      case AES_256_GCM -> key(GCM_K256, "AES");
    };
  }

  private static void checkVector(
      Algorithm alg, SecretKey key, String iv, byte[] aad, byte[] plain, String expected)
      throws Exception {
    Aead aead = Aead.of(alg);
    assertEquals(alg, aead.algorithm());
    byte[] nonce = nonce(iv);
    ByteBuffer out = ByteBuffer.allocate(24 + plain.length + 16);
    aead.seal(key, nonce, ByteBuffer.wrap(aad), ByteBuffer.wrap(plain), out);
    assertEquals(out.capacity(), out.position(), "nonce || ciphertext || tag");
    // The stored unit starts with the whole 24-byte nonce, then the vector's ciphertext and tag.
    assertArrayEquals(nonce, Arrays.copyOf(out.array(), 24));
    assertEquals(
        expected, BaseEncoding.base16().lowerCase().encode(out.array(), 24, out.capacity() - 24));

    ByteBuffer sealed = ByteBuffer.wrap(hex(expected));
    ByteBuffer back = ByteBuffer.allocate(plain.length);
    aead.open(key, nonce, ByteBuffer.wrap(aad), sealed, back);
    assertArrayEquals(plain, back.array());
  }

  private static void rejectsAlterations(
      Algorithm alg, SecretKey key, String iv, byte[] aad, byte[] sealed) throws Exception {
    Aead aead = Aead.of(alg);
    byte[] nonce = nonce(iv);
    for (int bit = 0; bit < sealed.length * 8; bit++) {
      byte[] bad = sealed.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertOpenFails(aead, key, nonce, aad, bad);
    }
    for (int bit = 0; bit < aad.length * 8; bit++) {
      byte[] badAad = aad.clone();
      badAad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertOpenFails(aead, key, nonce, badAad, sealed);
    }
    // The IV half of the nonce is authenticated too; the salt half only selects the subkey.
    for (int i = 12; i < 24; i++) {
      byte[] badNonce = nonce.clone();
      badNonce[i] ^= 1;
      assertOpenFails(aead, key, badNonce, aad, sealed);
    }
    assertOpenFails(aead, key, nonce, aad, Arrays.copyOf(sealed, sealed.length - 1));
    assertOpenFails(aead, key, nonce, new byte[0], sealed);
  }

  private static void assertOpenFails(
      Aead aead, SecretKey key, byte[] nonce, byte[] aad, byte[] sealed) {
    ByteBuffer out = ByteBuffer.allocate(sealed.length);
    assertThrows(
        AEADBadTagException.class,
        () -> aead.open(key, nonce, ByteBuffer.wrap(aad), ByteBuffer.wrap(sealed), out));
  }

  /** A 24-byte nonce whose last 12 bytes are {@code iv}; the first 12 are deliberately junk. */
  private static byte[] nonce(String iv) {
    byte[] nonce = new byte[24];
    Arrays.fill(nonce, 0, 12, (byte) 0xA5);
    System.arraycopy(hex(iv), 0, nonce, 12, 12);
    return nonce;
  }

  private static SecretKey key(String hex, String alg) {
    return new SecretKeySpec(hex(hex), alg);
  }

  static byte[] hex(String s) {
    return BaseEncoding.base16().lowerCase().decode(s.toLowerCase());
  }
}
