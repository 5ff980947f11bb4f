package io.encryptedfs.keystore;

import static io.encryptedfs.keystore.Fixtures.password;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Base64;
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
    assertOpenRefusedAndFileLeft(
        merged(keystoreWithKeyUnder("master"), keystoreWithKeyUnder("MASTER"), 2),
        "two keys in the keystore share the alias 'MASTER' (aliases are");
  }

  /** A keystore opened before another program wrote two keys under one alias will not adopt it. */
  @Test
  void aFollowedKeystoreThatGainsTwoKeysUnderOneAliasIsRefusedAndLeftAsItIs() throws Exception {
    byte[] both = merged(keystoreWithKeyUnder("master"), keystoreWithKeyUnder("master"), 2);
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
   * A key and a certificate under one alias: the JDK kept the certificate, the later entry, and
   * dropped the key without a word, so before, the keystore opened without that key and its next
   * write lost it for good.
   */
  @Test
  void aKeystoreWithAKeyAndACertificateUnderOneAliasIsRefusedAndLeftAsItIs() throws Exception {
    assertOpenRefusedAndFileLeft(
        merged(keystoreWithKeyUnder("master"), keystoreWithCertificateUnder("master"), 1),
        "the keystore holds a key under the alias 'master' that the");
  }

  /** Opening {@code bytes} as the keystore fails naming it, and leaves it as it is. */
  private void assertOpenRefusedAndFileLeft(byte[] bytes, String reasonStart) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> Fixtures.open(file, audit.log()));
    assertEquals(file.toString(), e.getFile());
    assertTrue(e.getReason().startsWith(reasonStart), e::toString);
    assertArrayEquals(bytes, Files.readAllBytes(file));
    assertEquals(List.of("KEYSTORE_OPEN_FAILED"), audit.kinds());
  }

  /** A keystore holding one trusted certificate, under {@code alias}. */
  private static byte[] keystoreWithCertificateUnder(String alias) throws Exception {
    Pkcs12Codec codec = new Pkcs12Codec(Fixtures.FAST, new SecureRandom());
    KeyStore keyStore = codec.empty();
    keyStore.setCertificateEntry(
        alias,
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(CERTIFICATE))));
    return codec.store(keyStore, password(), "test").bytes();
  }

  /** A self-signed EC certificate, CN=x: keytool -genkeypair, then -exportcert. */
  private static final String CERTIFICATE =
      "MIIBLTCB1aADAgECAggaMF6DjVn1NzAKBggqhkjOPQQDAjAMMQowCAYDVQQDEwF4MB4XDTI2MTIwNTAwNTEyMVoXDTI3MDMw"
          + "NTAwNTEyMVowDDEKMAgGA1UEAxMBeDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFmohrsZfylCgGI9PVeG/CgIfxWTonSr"
          + "dkRF5J0ODrr1YxaWxL2vDYyDgLX52n2Y+Z0h2toBKXLPB3DYMfYwZT+jITAfMB0GA1UdDgQWBBRt+a/+9QfsX+63lY9Pmo5c"
          + "Ke01KTAKBggqhkjOPQQDAgNHADBEAiAHkj5khX5LFkpn2+07mUGvTiB1q2sFmHY1SXGMVfA20AIgbebLHuUhtS7RINqwdZMs"
          + "xsC7mz1OiULXxnRTdbJC7wU=";

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

  /**
   * One AuthenticatedSafe holding the ContentInfos of both keystores, under a fresh MAC; {@code
   * keys}: how many keys they hold together.
   */
  private static byte[] merged(byte[] first, byte[] second, int keys) throws IOException {
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
    List<String> keyNames =
        Pkcs12Protection.inspect(Pfx.parse(merged)).stream()
            .filter(part -> part.part() == Pkcs12Protection.Part.KEY)
            .map(Pkcs12Protection.Protection::name)
            .collect(Collectors.toList());
    assertEquals(keys, keyNames.size(), "the merged file holds every key: " + keyNames);
    return merged;
  }
}
