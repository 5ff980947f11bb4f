package io.encryptedfs.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.encryptedfs.Algorithm;
import io.encryptedfs.testing.HeapDumps;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once a file's keys are destroyed, no copy of its data key or of its HKDF pseudorandom key is left
 * in the heap, garbage included: the README's known limits say both are zeroed when the file
 * closes, and every key of the file derives from them. A child JVM that never collects (Epsilon)
 * derives a file's header MAC key and a content subkey, destroys the keys and dumps every object,
 * live or not; the dump is searched here for the data key, the pseudorandom key, and the
 * pseudorandom key as HMAC keeps it (XORed with its inner and outer pads). Before, each derivation
 * went through Bouncy Castle's {@code HKDFParameters} and {@code KeyParameter}, which copy the key
 * they are given, and left {@code HMac}'s padded copies of it: the pseudorandom key was found
 * several times. The content subkeys themselves live in {@code SecretKeySpec}s, which Java 17
 * cannot wipe, so they are not looked for.
 */
class FileKeysHeapTest {
  @TempDir Path dir;

  @Test
  void destroyedFileKeysLeaveNoCopyOfTheDataOrPseudorandomKey() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] fileId = new byte[16];
    byte[] dataKey = new byte[32];
    random.nextBytes(fileId);
    random.nextBytes(dataKey);
    byte[] heap =
        HeapDumps.ofChild(
            dir, Child.class, HexFormat.of().formatHex(fileId), HexFormat.of().formatHex(dataKey));
    Mac extract = Mac.getInstance("HmacSHA256");
    extract.init(new SecretKeySpec(fileId, "HmacSHA256"));
    byte[] prk = extract.doFinal(dataKey);
    // The child held them as hex strings too: the search must find what is there.
    assertTrue(
        HeapDumps.count(heap, HexFormat.of().formatHex(dataKey).getBytes()) > 0,
        "the dump holds the heap");
    List<String> found = new ArrayList<>();
    count(heap, dataKey, "data key", found);
    count(heap, prk, "pseudorandom key", found);
    count(heap, xor(prk, (byte) 0x36), "pseudorandom key ^ ipad", found);
    count(heap, xor(prk, (byte) 0x5c), "pseudorandom key ^ opad", found);
    assertEquals(List.of(), found);
  }

  private static byte[] xor(byte[] key, byte pad) {
    byte[] out = new byte[key.length];
    for (int i = 0; i < key.length; i++) {
      out[i] = (byte) (key[i] ^ pad);
    }
    return out;
  }

  private static void count(byte[] heap, byte[] needle, String what, List<String> found) {
    int n = HeapDumps.count(heap, needle);
    if (n > 0) {
      found.add(what + " x" + n);
    }
  }

  /** Derives a file's keys, destroys them, and dumps every object in the heap. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      byte[] fileId = HexFormat.of().parseHex(args[0]);
      byte[] dataKey = HexFormat.of().parseHex(args[1]);
      FileKeys keys = new FileKeys(Algorithm.AES_256_GCM, fileId, dataKey);
      byte[] slot = new byte[256];
      keys.sealHeader(slot);
      if (!keys.verifyHeader(slot)) {
        throw new AssertionError("the header's MAC");
      }
      byte[] nonce = new byte[24];
      new SecureRandom().nextBytes(nonce);
      keys.contentKey(nonce);
      nonce[0] ^= 1;
      keys.contentKey(nonce);
      keys.destroy();
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(args[2], false);
    }
  }
}
