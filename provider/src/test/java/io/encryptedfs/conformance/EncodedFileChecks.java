package io.encryptedfs.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.conformance.SpecDecoder.Failure;
import io.encryptedfs.conformance.SpecDecoder.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;

/**
 * What the tests of files built by {@link SpecEncoder} share: each puts a raw file into a root the
 * provider made and checks how the provider and {@link SpecDecoder} read it, and that neither
 * changes it.
 */
abstract class EncodedFileChecks {
  static final int B = 4096;
  final Random random = new Random(7);

  void assertReads(ConformanceRoot root, String name, byte[] raw, byte[] content) throws Exception {
    Files.write(root.raw(name), raw);
    assertArrayEquals(
        content, new SpecDecoder(root.masterKeys(), true).decode(raw).cleartext(), name);
    assertArrayEquals(content, Files.readAllBytes(root.path(name)), name);
    assertArrayEquals(raw, root.rawBytes(name), "reading writes nothing");
  }

  void assertDamaged(ConformanceRoot root, String name, byte[] raw, long block) throws Exception {
    DamagedFileException e =
        assertRefused(root, name, raw, DamagedFileException.class, Failure.DAMAGED);
    assertEquals("/" + name, e.path());
    assertEquals(block, e.block(), e.getMessage());
  }

  <T extends IOException> T assertRefused(
      ConformanceRoot root, String name, byte[] raw, Class<T> type, Failure failure)
      throws Exception {
    Files.write(root.raw(name), raw);
    SpecException spec =
        assertThrows(
            SpecException.class, () -> new SpecDecoder(root.masterKeys(), true).decode(raw));
    assertEquals(failure, spec.failure, name + ": " + spec.getMessage());
    T e = assertThrows(type, () -> Files.readAllBytes(root.path(name)), name);
    assertTrue(e.getMessage().contains("/" + name), e.getMessage());
    assertArrayEquals(raw, root.rawBytes(name), "a refused file is left as it was");
    return e;
  }

  byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
