package io.encryptedfs.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.Algorithm;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.testing.SecretText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Key derivation: pinned against an independent HKDF-SHA256 (RFC 5869) written here on the JCE's
 * HMAC, so a change of label, salt or info layout (which would orphan every existing file) fails;
 * and separation: every input that should change a key does.
 */
class FileKeysTest {
  private final Random random = new Random(42);

  @Test
  void derivationMatchesIndependentHkdf() throws Exception {
    byte[] fileId = bytes(16);
    byte[] dataKey = bytes(32);
    for (Algorithm alg : Algorithm.values()) {
      FileKeys keys = new FileKeys(alg, fileId, dataKey.clone());
      byte[] nonce = bytes(24);
      byte[] info =
          concat(
              "encryptedfs v1 content".getBytes(StandardCharsets.US_ASCII),
              new byte[] {(byte) alg.id()},
              Arrays.copyOf(nonce, 16));
      byte[] expected = hkdf(fileId, dataKey, info, alg.keyBytes());
      assertArrayEquals(expected, keys.contentKey(nonce).getEncoded(), alg.toString());
      assertEquals(
          alg == Algorithm.CHACHA20_POLY1305 ? "ChaCha20" : "AES",
          keys.contentKey(nonce).getAlgorithm());

      byte[] slot = headerSlot(fileId);
      byte[] macKey =
          hkdf(
              fileId, dataKey, "encryptedfs v1 header mac".getBytes(StandardCharsets.US_ASCII), 32);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      mac.update(slot, 0, 224);
      assertArrayEquals(mac.doFinal(), keys.headerMac(slot));
    }
  }

  /**
   * The cached subkey's holder prints no trace of the subkey: a record prints every component, and
   * a {@code SecretKeySpec} prints a hash of its key bytes.
   */
  @Test
  void theLastSubkeyPrintsNoTraceOfIt() {
    SecretKeySpec subkey = new SecretKeySpec(bytes(32), "AES");

    String text = new FileKeys.LastKey(bytes(16), subkey).toString();

    SecretText.assertNoTraceOf(subkey, text);
    assertTrue(text.startsWith("LastKey["), text);
  }

  @Test
  void deterministicAndSeparated() throws Exception {
    byte[] fileId = bytes(16);
    byte[] dataKey = bytes(32);
    FileKeys a = new FileKeys(Algorithm.AES_256_GCM, fileId, dataKey.clone());
    FileKeys b = new FileKeys(Algorithm.AES_256_GCM, fileId, dataKey.clone());
    byte[] nonce = bytes(24);
    assertArrayEquals(a.contentKey(nonce).getEncoded(), b.contentKey(nonce).getEncoded());
    byte[] slot = headerSlot(fileId);
    assertArrayEquals(a.headerMac(slot), b.headerMac(slot));

    // Only the 16-byte salt selects the subkey; the counter half of the nonce does not.
    byte[] sameSalt = nonce.clone();
    for (int i = 16; i < 24; i++) {
      sameSalt[i] ^= (byte) 0xFF;
    }
    assertArrayEquals(a.contentKey(nonce).getEncoded(), a.contentKey(sameSalt).getEncoded());

    // Every salt byte matters, and 40 salts give 40 distinct keys (more than the 16 cached, so
    // evicted keys are re-derived identically).
    Set<String> seen = new HashSet<>();
    byte[] first = a.contentKey(nonce).getEncoded();
    for (int i = 0; i < 16; i++) {
      byte[] other = nonce.clone();
      other[i] ^= 1;
      assertTrue(seen.add(Arrays.toString(a.contentKey(other).getEncoded())), "salt byte " + i);
    }
    for (int i = 0; i < 24; i++) {
      assertTrue(seen.add(Arrays.toString(a.contentKey(bytes(24)).getEncoded())));
    }
    assertFalse(seen.contains(Arrays.toString(first)));
    assertArrayEquals(first, a.contentKey(nonce).getEncoded());

    // Another file id, data key or algorithm gives other keys for the same salt.
    byte[] otherId = fileId.clone();
    otherId[0] ^= 1;
    byte[] otherKey = dataKey.clone();
    otherKey[31] ^= 1;
    for (FileKeys other :
        new FileKeys[] {
          new FileKeys(Algorithm.AES_256_GCM, otherId, dataKey.clone()),
          new FileKeys(Algorithm.AES_256_GCM, fileId, otherKey),
          new FileKeys(Algorithm.CHACHA20_POLY1305, fileId, dataKey.clone())
        }) {
      assertFalse(Arrays.equals(first, other.contentKey(nonce).getEncoded()), other.toString());
    }
    assertFalse(
        Arrays.equals(
            a.headerMac(slot),
            new FileKeys(Algorithm.AES_256_GCM, otherId, dataKey.clone()).headerMac(slot)));
  }

  /** A rewrap wraps the data key it holds; once wiped, it refuses rather than wrap zeros. */
  @Test
  void theDataKeyIsWrappedAsHeldAndNeverOnceDestroyed() throws Exception {
    byte[] dataKey = bytes(32);
    FileKeys keys = new FileKeys(Algorithm.AES_256_GCM, bytes(16), dataKey.clone());
    SecretKeySpec master = new SecretKeySpec(bytes(32), "AES");
    assertArrayEquals(dataKey, KeyWrap.unwrap(master, keys.wrapDataKey(master)));
    keys.destroy();
    assertThrows(IllegalStateException.class, () -> keys.wrapDataKey(master));
  }

  @Test
  void headerMacCoversEveryByteBeforeTheMacField() throws Exception {
    byte[] fileId = bytes(16);
    FileKeys keys = new FileKeys(Algorithm.AES_256_GCM, fileId, bytes(32));
    byte[] slot = headerSlot(fileId);
    keys.sealHeader(slot);
    assertTrue(keys.verifyHeader(slot));
    byte[] mac = keys.headerMac(slot);
    for (int bit = 0; bit < 256 * 8; bit++) {
      byte[] bad = slot.clone();
      bad[bit / 8] ^= (byte) (1 << (bit % 8));
      assertFalse(keys.verifyHeader(bad), "bit " + bit);
      if (bit / 8 < HeaderCodec.MAC_OFFSET) {
        assertFalse(Arrays.equals(mac, keys.headerMac(bad)), "bit " + bit);
      } else {
        // The MAC field itself is not MACed.
        assertArrayEquals(mac, keys.headerMac(bad));
      }
    }
  }

  @Test
  void destroyWipesTheDataKey() {
    byte[] dataKey = bytes(32);
    FileKeys keys = new FileKeys(Algorithm.AES_128_GCM, bytes(16), dataKey);
    assertEquals(16, keys.contentKey(bytes(24)).getEncoded().length);
    keys.destroy();
    assertArrayEquals(new byte[32], dataKey);
  }

  private byte[] headerSlot(byte[] fileId) {
    return HeaderCodec.encode(new FileHeader(1, 1, 12, 3, fileId, bytes(40), "master"));
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** RFC 5869 HKDF-SHA256, extract then expand, written directly on HMAC. */
  private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    ByteArrayOutputStream okm = new ByteArrayOutputStream();
    byte[] t = new byte[0];
    for (int i = 1; okm.size() < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      okm.write(t);
    }
    return Arrays.copyOf(okm.toByteArray(), length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
