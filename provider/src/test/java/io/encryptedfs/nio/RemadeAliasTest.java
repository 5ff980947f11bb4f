package io.encryptedfs.nio;

import static io.encryptedfs.nio.KeystoreRoots.PASSWORD;
import static io.encryptedfs.nio.KeystoreRoots.newKeystoreAndRootEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another program retires a key and makes a new one under the same alias, then writes a file under
 * it. This program, which holds the old key under that alias and does not read the keystore again
 * to open a file whose key it holds, failed that file with {@code KeyMismatchException} (and an
 * audit event saying its key did not unwrap it) until it next created a file. Now a key that does
 * not unwrap a header is asked for again once, as for a new file.
 */
class RemadeAliasTest {
  @TempDir Path tmp;

  @Test
  void aFileUnderAKeyMadeAnewUnderItsAliasElsewhereOpens() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path dir = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/old"), "under the first master");
      try (Pkcs12KeyStore other =
          Pkcs12KeyStore.open(tmp.resolve("keys.p12"), PASSWORD, AuditLog.systemLogger())) {
        other.rotate();
        other.retire("master");
        other.generateKey("master");
      }
      Map<String, Object> pinned = new HashMap<>(env);
      pinned.put(EncryptedFileSystems.KEY_ALIAS, "master");
      try (FileSystem elsewhere = EncryptedFileSystems.newFileSystem(tmp.resolve("s"), pinned)) {
        Files.writeString(elsewhere.getPath("/remade"), "under the second master");
      }
      Files.move(tmp.resolve("s/remade"), dir.resolve("remade"));

      assertEquals("under the second master", Files.readString(fs.getPath("/remade")));
      // The first key is gone: its file does not open, and says so as before.
      assertThrows(KeyMismatchException.class, () -> Files.readString(fs.getPath("/old")));
      Files.delete(fs.getPath("/old"));
    }
  }
}
