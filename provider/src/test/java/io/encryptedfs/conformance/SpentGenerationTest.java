package io.encryptedfs.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.conformance.SpecEncoder.HeaderFields;
import io.encryptedfs.nio.KeyRotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The header's generation is 32 bits (FORMAT.md section 3) and a rewrap increments it, so a file
 * rewrapped 2^32 − 1 times cannot be rewrapped again: the walk reports that file, names it and
 * leaves it as it is, and goes on with the others.
 */
class SpentGenerationTest extends EncodedFileChecks {
  @Test
  void aFileWhoseGenerationIsSpentIsReportedAndLeftAsItIs() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      root.keys.add("second");
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      HeaderFields spent = e.header(root.keys.masterKey("master"), "master");
      spent.generation = 0xFFFF_FFFFL;
      byte[] content = bytes(B + 1);
      byte[] raw = e.closedFile(spent, content, 2, 0);
      Files.write(root.raw("spent"), raw);
      Files.write(root.path("other"), content);
      root.closeFileSystem();
      root.reopen("second");

      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(root.fs(), event -> {});

      List<String> failed = report.failed();
      assertEquals(1, failed.size(), report.toString());
      assertTrue(
          failed.get(0).contains("/spent") && failed.get(0).contains("generation"), failed.get(0));
      assertArrayEquals(raw, root.rawBytes("spent"));
      assertArrayEquals(content, Files.readAllBytes(root.path("spent")));
      assertArrayEquals(content, Files.readAllBytes(root.path("other")));
      byte[] other = root.rawBytes("other");
      assertEquals("second", new String(other, 73, other[72], StandardCharsets.UTF_8));
    }
  }
}
