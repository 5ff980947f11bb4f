package io.encryptedfs.keystore;

import static io.encryptedfs.keystore.Fixtures.password;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A keystore file holding two keys under one alias, ignoring case, is refused rather than read: the
 * JDK keeps one entry per alias, and this module's next write would have dropped the other key, and
 * with it every file wrapped under it.
 */
class SharedAliasTest {
  private FileSystem fs;
  private Path file;
  private AuditCapture audit;

  @BeforeEach
  void setUp() throws IOException {
    fs = Fixtures.unixFileSystem();
    file = fs.getPath("/secrets/keys.p12");
    audit = new AuditCapture(fs.getPath("/audit/audit.jsonl"));
  }

  @AfterEach
  void tearDown() throws IOException {
    audit.close();
    fs.close();
  }

  /**
   * Two keys under one alias, ignoring case, as a tool that tells case apart or a merge of two
   * keystores could write: the JDK keeps only the last, and a write would drop the other for good.
   */
  @Test
  void aKeystoreWithTwoKeysUnderOneAliasIsRefusedAndLeftAsItIs() throws Exception {
    byte[] both = merged(keystoreWithKeyUnder("master"), keystoreWithKeyUnder("MASTER"));
    Files.createDirectories(file.getParent());
    Files.write(file, both);

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> Fixtures.open(file, audit.log()));
    assertEquals(file.toString(), e.getFile());
    assertTrue(
        e.getReason().startsWith("two keys in the keystore share the alias 'MASTER' (aliases are"),
        e::toString);
    assertArrayEquals(both, Files.readAllBytes(file));
    assertEquals(List.of("KEYSTORE_OPEN_FAILED"), audit.kinds());
  }

  /** A keystore opened before another program wrote two keys under one alias will not adopt it. */
  @Test
  void aFollowedKeystoreThatGainsTwoKeysUnderOneAliasIsRefusedAndLeftAsItIs() throws Exception {
    byte[] both = merged(keystoreWithKeyUnder("master"), keystoreWithKeyUnder("master"));
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("master");
      Files.write(file, both);
      FileSystemException e = assertThrows(FileSystemException.class, keys::currentAlias);
      assertEquals(file.toString(), e.getFile());
      assertThrows(FileSystemException.class, () -> keys.generateKey("unrelated"));
      assertArrayEquals(both, Files.readAllBytes(file));
    }
  }

  /**
   * A keystore with one key whose friendly name is {@code alias} as given: the JDK writes names in
   * lower case, so another case is put in afterwards (the MAC is made anew by {@link #merged}).
   */
  private static byte[] keystoreWithKeyUnder(String alias) throws Exception {
    Pkcs12Codec codec = new Pkcs12Codec(Fixtures.FAST, new SecureRandom());
    KeyStore keyStore = codec.empty();
    KeyGenerator generator = KeyGenerator.getInstance("AES");
    generator.init(256);
    keyStore.setEntry(
        alias, new KeyStore.SecretKeyEntry(generator.generateKey()), codec.protection(password()));
    byte[] bytes = codec.store(keyStore, password(), "test").bytes();
    byte[] stored = alias.toLowerCase(Locale.ENGLISH).getBytes(StandardCharsets.UTF_16BE);
    byte[] wanted = alias.getBytes(StandardCharsets.UTF_16BE);
    int at = indexOf(bytes, stored);
    assertTrue(at >= 0 && indexOf(Arrays.copyOfRange(bytes, at + 1, bytes.length), stored) < 0);
    System.arraycopy(wanted, 0, bytes, at, wanted.length);
    return bytes;
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    for (int i = 0; i + part.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    return -1;
  }

  /** One AuthenticatedSafe holding the ContentInfos of both keystores, under a fresh MAC. */
  private static byte[] merged(byte[] first, byte[] second) throws IOException {
    ByteArrayOutputStream infos = new ByteArrayOutputStream();
    for (byte[] keystore : List.of(first, second)) {
      byte[] safe = Pfx.parse(keystore).authenticatedSafe();
      infos.writeBytes(new Der.Reader(safe).next(Der.SEQUENCE).content());
    }
    byte[] authSafe =
        Der.encode(
            Der.SEQUENCE,
            Der.oid(Pfx.DATA_OID),
            Der.encode(
                Der.CONTEXT_0, Der.octetString(Der.encode(Der.SEQUENCE, infos.toByteArray()))));
    byte[] merged =
        Pfx.parse(Der.encode(Der.SEQUENCE, Der.integer(3), authSafe))
            .withMac(password(), Fixtures.FAST, new SecureRandom());
    List<String> keys =
        Pkcs12Protection.inspect(Pfx.parse(merged)).stream()
            .filter(part -> part.part() == Pkcs12Protection.Part.KEY)
            .map(Pkcs12Protection.Protection::name)
            .collect(Collectors.toList());
    assertEquals(2, keys.size(), "the merged file holds both keys: " + keys);
    return merged;
  }
}
