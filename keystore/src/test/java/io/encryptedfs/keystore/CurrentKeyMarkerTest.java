package io.encryptedfs.keystore;

import static io.encryptedfs.keystore.Fixtures.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A current-key marker that cannot be read or written, or that names no key, is reported with the
 * keystore's path rather than passed over for another choice of current key.
 */
class CurrentKeyMarkerTest {
  private final Pkcs12Codec codec = new Pkcs12Codec(Fixtures.FAST, new SecureRandom());
  private FileSystem fs;
  private Path file;

  @BeforeEach
  void setUp() {
    fs = Fixtures.unixFileSystem();
    file = fs.getPath("/secrets/keys.p12");
  }

  @AfterEach
  void tearDown() throws IOException {
    fs.close();
  }

  /** Writes a keystore holding {@code entry} under the marker's alias, protected by {@code as}. */
  private void writeKeystoreWithMarker(SecretKey entry, char[] as) throws IOException {
    KeyStore keyStore = codec.empty();
    try {
      keyStore.setEntry(
          CurrentKeyMarker.ALIAS, new KeyStore.SecretKeyEntry(entry), codec.protection(as));
    } catch (KeyStoreException e) {
      throw new IOException(e);
    }
    write(keyStore);
  }

  private void write(KeyStore keyStore) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, codec.store(keyStore, password(), "test").bytes());
  }

  /** A keystore whose only key is {@code alias}. */
  private KeyStore withKey(String alias) throws Exception {
    KeyStore keyStore = codec.empty();
    SecretKey key = KeyGenerator.getInstance("AES").generateKey();
    keyStore.setEntry(alias, new KeyStore.SecretKeyEntry(key), codec.protection(password()));
    return keyStore;
  }

  /** Opening {@code file} is refused, naming it, for the entry under the marker's alias. */
  private void assertRefusedAsNoMarker() {
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> Fixtures.open(file, AuditLog.systemLogger()));
    assertEquals(file.toAbsolutePath().toString(), e.getFile());
    assertEquals(
        "entry 'encryptedfs:current' is not an encryptedfs current-key marker", e.getReason());
  }

  @Test
  void anEntryUnderTheMarkerAliasThatIsNoMarkerIsReportedWithTheKeystore() throws Exception {
    writeKeystoreWithMarker(KeyGenerator.getInstance("AES").generateKey(), password());
    assertRefusedAsNoMarker();
  }

  @Test
  void anEntryOfAnotherKindUnderTheMarkerAliasIsRefusedRatherThanIgnored() throws Exception {
    KeyStore keyStore = withKey("master");
    Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
    KeyStore trusted = KeyStore.getInstance(cacerts.toFile(), (char[]) null);
    keyStore.setCertificateEntry(
        CurrentKeyMarker.ALIAS, trusted.getCertificate(trusted.aliases().nextElement()));
    write(keyStore);
    assertRefusedAsNoMarker();
  }

  @Test
  void aMarkerNamingNoKeyIsRefusedForNewFilesUntilAKeyIsMadeCurrent() throws Exception {
    // As keytool -delete leaves a keystore whose current key it deleted.
    KeyStore keyStore = withKey("first");
    CurrentKeyMarker.write(keyStore, "deleted", codec.protection(password()), "test");
    write(keyStore);
    try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
      UnknownKeyAliasException e = assertThrows(UnknownKeyAliasException.class, keys::currentAlias);
      assertEquals("deleted", e.alias());
      assertEquals(
          "the current-key marker of keystore "
              + file.toAbsolutePath()
              + " names 'deleted', which is not a key in it; make one of its keys current",
          e.getMessage());

      // What does not choose the key for new files goes on: reading, listing, adding a key.
      keys.masterKey("first");
      assertEquals(List.of(false), keys.keys().stream().map(KeyInfo::current).toList());
      keys.generateKey("second");
      assertThrows(UnknownKeyAliasException.class, keys::currentAlias);
      assertThrows(UnknownKeyAliasException.class, () -> keys.masterKeyForNewFile("deleted"));

      keys.setCurrent("second");
      assertEquals(Optional.of("second"), keys.currentAlias());
    }
  }

  @Test
  void aMarkerThatCannotBeDecryptedIsReportedWithTheKeystore() throws Exception {
    writeKeystoreWithMarker(
        KeyGenerator.getInstance("AES").generateKey(), "another password".toCharArray());
    IOException e =
        assertThrows(IOException.class, () -> Fixtures.open(file, AuditLog.systemLogger()));
    assertEquals(
        "cannot read the current-key marker of keystore " + file.toAbsolutePath(), e.getMessage());
  }

  @Test
  void aMarkerThatCannotBeWrittenIsReportedWithTheKeystore() throws Exception {
    KeyStore unloaded = KeyStore.getInstance("PKCS12");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                CurrentKeyMarker.write(
                    unloaded, "master", codec.protection(password()), file.toString()));
    assertEquals("cannot write the current-key marker of keystore " + file, e.getMessage());
  }
}
