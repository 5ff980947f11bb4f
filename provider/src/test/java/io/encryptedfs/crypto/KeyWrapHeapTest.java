package io.encryptedfs.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.encryptedfs.testing.HeapDumps;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrapping a data key and unwrapping it leave no copy of it once the caller wipes its arrays.
 * Before, the wrap handed the JCE a {@code SecretKeySpec} made of the data key, and the unwrap got
 * one back, and Java 17 cannot wipe either: two copies of every file's data key per creation, one
 * per opening, stayed in the heap until the collector reused their memory. The JCE's AES key wrap
 * in its encrypt and decrypt modes works on arrays, which the caller owns, and leaves none.
 */
class KeyWrapHeapTest {
  @TempDir Path dir;

  @Test
  void aWrappedAndUnwrappedDataKeyLeavesNoCopy() throws Exception {
    byte[] master = new byte[32];
    byte[] dataKey = new byte[32];
    new SecureRandom().nextBytes(master);
    new SecureRandom().nextBytes(dataKey);
    byte[] heap =
        HeapDumps.ofChild(
            dir, Child.class, HexFormat.of().formatHex(master), HexFormat.of().formatHex(dataKey));
    assertTrue(
        HeapDumps.count(heap, HexFormat.of().formatHex(dataKey).getBytes()) > 0,
        "the dump holds the child's strings, so the heap is searched");
    assertEquals(0, HeapDumps.count(heap, dataKey), "copies of the data key");
  }

  /** Wraps and unwraps a data key, wipes its own arrays, and dumps every object in the heap. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      SecretKeySpec master = new SecretKeySpec(HexFormat.of().parseHex(args[0]), "AES");
      byte[] dataKey = HexFormat.of().parseHex(args[1]);
      byte[] unwrapped = KeyWrap.unwrap(master, KeyWrap.wrap(master, dataKey));
      if (!Arrays.equals(dataKey, unwrapped)) {
        throw new AssertionError("the unwrapped key");
      }
      Arrays.fill(dataKey, (byte) 0);
      Arrays.fill(unwrapped, (byte) 0);
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(args[2], false);
    }
  }
}
