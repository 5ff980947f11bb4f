package io.encryptedfs.keystore;

import static io.encryptedfs.keystore.Fixtures.password;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.SecureRandom;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A current-key marker that cannot be read or written is reported with the keystore's path. */
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
    Files.createDirectories(file.getParent());
    Files.write(file, codec.store(keyStore, password(), "test").bytes());
  }

  @Test
  void anEntryUnderTheMarkerAliasThatIsNoMarkerIsReportedWithTheKeystore() throws Exception {
    writeKeystoreWithMarker(KeyGenerator.getInstance("AES").generateKey(), password());
    IOException e =
        assertThrows(IOException.class, () -> Fixtures.open(file, AuditLog.systemLogger()));
    assertEquals(
        "entry 'encryptedfs:current' in keystore "
            + file.toAbsolutePath()
            + " is not an encryptedfs current-key marker",
        e.getMessage());
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
