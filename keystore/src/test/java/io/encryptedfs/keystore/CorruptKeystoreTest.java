package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Damaged keystores, in the manner of Tink's modified-ciphertext tests: whatever the bytes, opening
 * either fails with an {@link IOException} or yields exactly the keystore that was written.
 */
class CorruptKeystoreTest {
  private static final Original ORIGINAL = Original.make();

  /** A valid keystore with two keys, and what opening it must show. */
  private record Original(byte[] bytes, byte[] master, byte[] second) {
    static Original make() {
      try (FileSystem fs = Fixtures.unixFileSystem()) {
        Path file = fs.getPath("/keys.p12");
        try (Pkcs12KeyStore keys = Fixtures.create(file, AuditLog.systemLogger())) {
          byte[] master = keys.generateKey("master").getEncoded();
          byte[] second = keys.generateKey("second").getEncoded();
          return new Original(Files.readAllBytes(file), master, second);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Provide
  Arbitrary<byte[]> damaged() {
    byte[] good = ORIGINAL.bytes();
    Arbitrary<byte[]> truncated =
        Arbitraries.integers().between(0, good.length - 1).map(n -> Arrays.copyOf(good, n));
    Arbitrary<byte[]> flipped =
        Combinators.combine(
                Arbitraries.integers().between(0, good.length - 1).list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.integers().between(1, 255))
            .as(
                (positions, mask) -> {
                  byte[] bytes = good.clone();
                  positions.forEach(p -> bytes[p] ^= mask.byteValue());
                  return bytes;
                });
    // The DER framing sits at the start and the end; most flips there reach the parsers.
    Arbitrary<byte[]> framing =
        Combinators.combine(
                Arbitraries.oneOf(
                    Arbitraries.integers().between(0, 40),
                    Arbitraries.integers().between(good.length - 80, good.length - 1)),
                Arbitraries.integers().between(0, 255))
            .as(
                (position, value) -> {
                  byte[] bytes = good.clone();
                  bytes[position] = value.byteValue();
                  return bytes;
                });
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    return Arbitraries.oneOf(truncated, flipped, framing, random);
  }

  @Property(tries = 400)
  void aDamagedKeystoreFailsWithAnIOExceptionOrOpensUnchanged(@ForAll("damaged") byte[] bytes)
      throws IOException {
    assertFailsWithAnIOExceptionOrOpensUnchanged(bytes);
  }

  /** Every header byte set to each value that changes what a DER length or tag means. */
  @Example
  void everyDamagedHeaderByteFailsWithAnIOExceptionOrOpensUnchanged() throws IOException {
    byte[] good = ORIGINAL.bytes();
    for (int position = 0; position < 48; position++) {
      for (int value : new int[] {0x00, 0x01, 0x7f, 0x80, 0x81, 0x84, 0xff}) {
        byte[] bytes = good.clone();
        bytes[position] = (byte) value;
        assertFailsWithAnIOExceptionOrOpensUnchanged(bytes);
      }
    }
  }

  private static void assertFailsWithAnIOExceptionOrOpensUnchanged(byte[] bytes)
      throws IOException {
    try (FileSystem fs = Fixtures.unixFileSystem()) {
      Path file = Files.write(fs.getPath("/keys.p12"), bytes);
      Pkcs12KeyStore keys;
      try {
        keys = Fixtures.open(file, AuditLog.systemLogger());
      } catch (IOException expected) {
        assertTrue(expected.getMessage().contains(file.toString()), expected::getMessage);
        return;
      }
      try (keys) {
        assertEquals(Set.of("master", "second"), keys.aliases());
        assertEquals(Optional.of("master"), keys.currentAlias());
        assertArrayEquals(ORIGINAL.master(), keys.masterKey("master").getEncoded());
        assertArrayEquals(ORIGINAL.second(), keys.masterKey("second").getEncoded());
      }
    }
  }

  @Example
  void anEmptyIntegerIsNotAKeystore() throws IOException {
    for (String hex : List.of("3003020000", "30030200")) {
      try (FileSystem fs = Fixtures.unixFileSystem()) {
        Path file = Files.write(fs.getPath("/z.p12"), HexFormat.of().parseHex(hex));
        IOException e =
            assertThrows(IOException.class, () -> Fixtures.open(file, AuditLog.systemLogger()));
        assertTrue(e.getMessage().contains("/z.p12 is not a"), e.getMessage());
      }
    }
  }

  /**
   * The authSafe's content type is read before the MAC is checked: a 256 KiB OID there, decoded,
   * would take hours.
   */
  @Example
  void aHugeOidBeforeTheMacIsRefusedQuickly() throws IOException {
    byte[] arcs = new byte[256 * 1024];
    Arrays.fill(arcs, (byte) 0xff);
    arcs[arcs.length - 1] = 0x7f;
    byte[] authSafe =
        Der.encode(
            Der.SEQUENCE,
            Der.encode(Der.OID, arcs),
            Der.encode(Der.CONTEXT_0, Der.octetString(new byte[] {0x30, 0x00})));
    byte[] pfx = Der.encode(Der.SEQUENCE, Der.integer(3), authSafe);
    try (FileSystem fs = Fixtures.unixFileSystem()) {
      Path file = Files.write(fs.getPath("/keys.p12"), pfx);
      IOException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(5),
              () ->
                  assertThrows(
                      IOException.class, () -> Fixtures.open(file, AuditLog.systemLogger())));
      assertEquals("/keys.p12 is not a DER-encoded PKCS#12 keystore", e.getMessage());
      assertEquals("DER: OID longer than 4096 bytes", e.getCause().getMessage());
    }
  }

  /**
   * Swapped options: a password file given as the keystore. Its first byte, taken for a tag, must
   * not reach the message or its causes, which end up in logs and stack traces.
   */
  @Example
  void aPasswordFileOpenedAsAKeystoreDoesNotShowItsBytes() throws IOException {
    // '#' (35), taken for a length, fits in what follows, so the first byte is read as a tag.
    String password = "T#9vLq2mWx8zRk4pYb7nHc3dFg6jSa1eUo5iQt0r";
    try (FileSystem fs = Fixtures.unixFileSystem()) {
      Path file =
          Files.write(fs.getPath("/pw.txt"), (password + "\n").getBytes(StandardCharsets.US_ASCII));
      IOException e =
          assertThrows(IOException.class, () -> Fixtures.open(file, AuditLog.systemLogger()));
      assertEquals("/pw.txt is not a DER-encoded PKCS#12 keystore", e.getMessage());
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        chain.append(t).append('\n');
      }
      assertTrue(chain.toString().contains("expected tag 0x30 at offset 0"), chain::toString);
      for (String shown : List.of("0x54", "'T'", "T#", password)) {
        assertFalse(chain.toString().contains(shown), chain::toString);
      }
    }
  }
}
