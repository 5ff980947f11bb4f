package io.encryptedfs.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.conformance.SpecDecoder.Decoded;
import io.encryptedfs.nio.KeyRotation;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The master keys of FORMAT.md section 5 on files written through the public API: a rewrap changes
 * the two header slots only, and master keys of every AES size wrap data keys.
 */
class WrappedKeysTest {
  private final Random random = new Random(20261206);

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305"})
  void rewrapIncrementsTheGenerationAndChangesOnlyTheHeader(String algorithm) throws Exception {
    int b = 4096;
    try (ConformanceRoot root = new ConformanceRoot(algorithm, b)) {
      byte[] content = bytes(2 * b + 33);
      WrittenFilesTest.write(root, "f", content);
      root.closeFileSystem();
      byte[] rawBefore = root.rawBytes("f");
      byte[] markerBefore = root.rawBytes(".encryptedfs");
      Decoded before = root.decode("f");
      root.keys.add("second");
      root.reopen("second");
      var report = KeyRotation.rewrapAll(root.fs(), event -> {});
      assertEquals(2, report.rewrapped(), report.toString());
      for (String name : new String[] {"f", ".encryptedfs"}) {
        Decoded d = root.decode(name);
        SpecChecks.wellFormed(d, root.algorithmId, b, "second");
        for (SpecDecoder.Header h : d.headers()) {
          assertEquals(1, h.generation(), "generation + 1 in both slots");
        }
        assertArrayEquals(
            SpecCrypto.unwrap(root.keys.masterKey("second"), d.header().wrappedKey()),
            d.header().dataKey());
        byte[] was = name.equals("f") ? rawBefore : markerBefore;
        byte[] now = root.rawBytes(name);
        assertArrayEquals(
            Arrays.copyOfRange(was, 512, was.length),
            Arrays.copyOfRange(now, 512, now.length),
            "a rewrap writes header slots, never content");
      }
      Decoded d = root.decode("f");
      SpecChecks.closed(d, content);
      assertArrayEquals(before.header().fileId(), d.header().fileId());
      assertArrayEquals(before.header().dataKey(), d.header().dataKey(), "the data key is kept");
      assertEquals(before.header().forcedSequence(), d.header().forcedSequence());
    }
  }

  /** Section 5: a master key may be an AES key of 128, 192 or 256 bits. */
  @ParameterizedTest
  @ValueSource(ints = {16, 24})
  void smallerMasterKeysWrapDataKeys(int keyBytes) throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", 4096)) {
      String alias = "aes" + keyBytes * 8;
      root.keys.add(alias, new SecretKeySpec(bytes(keyBytes), "AES"));
      root.closeFileSystem();
      root.reopen(alias);
      byte[] content = bytes(5000);
      WrittenFilesTest.write(root, "f", content);
      Decoded d = root.decode("f");
      SpecChecks.wellFormed(d, root.algorithmId, 4096, alias);
      SpecChecks.closed(d, content);
      assertEquals(40, d.header().wrappedKey().length);

      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_CHACHA20_POLY1305, 4096, random);
      byte[] encoded = e.closedFile(e.header(root.keys.masterKey(alias), alias), content, 1, 0);
      Files.write(root.raw("encoded"), encoded);
      assertArrayEquals(content, Files.readAllBytes(root.path("encoded")));
    }
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
