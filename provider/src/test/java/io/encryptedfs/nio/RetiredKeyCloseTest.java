package io.encryptedfs.nio;

import static io.encryptedfs.nio.KeystoreRoots.PASSWORD;
import static io.encryptedfs.nio.KeystoreRoots.newKeystoreAndRootEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.keystore.WrongPasswordException;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file system's close forces each file written and closed since its last force by opening it
 * again, which needs the master key its header names. Another program's retirement of that key (an
 * unsafe one: the file still names it) failed that open, and the file was not forced at all; a
 * keystore deleted besides made the close return as if the file were gone. Now the underlying file
 * is forced and the failure names the file (the power-loss side: {@code
 * durability.RetiredKeyCloseTest}).
 */
class RetiredKeyCloseTest {
  @TempDir Path tmp;

  @Test
  void aFileUnderAKeyRetiredElsewhereIsForcedAndNamedByTheClose() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path keystore = tmp.resolve("keys.p12");
    Path backup = Files.copy(keystore, tmp.resolve("backup.p12"));
    Path dir = tmp.resolve("root");
    FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env);
    Files.writeString(fs.getPath("/closed"), "returned, never forced");
    retireElsewhere(keystore);
    Files.writeString(fs.getPath("/new"), "under the new key"); // follows the keystore

    UnknownKeyAliasException e = assertThrows(UnknownKeyAliasException.class, fs::close);
    assertEquals("master", e.alias());
    assertTrue(
        e.getMessage().startsWith("/closed: forced through its underlying file only"),
        e.getMessage());
    assertEquals(0, e.getSuppressed().length);

    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEYSTORE, backup.toString());
    try (FileSystem restored = EncryptedFileSystems.newFileSystem(dir, env)) {
      assertEquals("returned, never forced", Files.readString(restored.getPath("/closed")));
    }
  }

  @Test
  void aKeystoreDeletedMeanwhileIsNotTakenForTheFileGone() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path keystore = tmp.resolve("keys.p12");
    FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env);
    // A name that the keystore's path contains: the failure must still name the file.
    Files.writeString(fs.getPath("/tmp"), "returned, never forced");
    retireElsewhere(keystore);
    Files.writeString(fs.getPath("/new"), "under the new key");
    Files.delete(keystore);

    IOException e = assertThrows(IOException.class, fs::close);
    assertTrue(
        e.getMessage().startsWith("/tmp: forced through its underlying file only"), e.getMessage());
    assertTrue(e.getMessage().contains(keystore.toString()), e.getMessage());
  }

  @Test
  void aKeystoreUnderAnotherPasswordStaysAWrongPassword() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path keystore = tmp.resolve("keys.p12");
    FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env);
    Files.writeString(fs.getPath("/closed"), "returned, never forced");
    retireElsewhere(keystore);
    Files.writeString(fs.getPath("/new"), "under the new key");
    Files.delete(keystore);
    try (Pkcs12KeyStore other =
        Pkcs12KeyStore.create(keystore, "another".toCharArray(), AuditLog.systemLogger())) {
      other.generateKey("master");
    }

    // The type the command-line tool maps to its key or password exit, led by the file's path.
    WrongPasswordException e = assertThrows(WrongPasswordException.class, fs::close);
    assertTrue(
        e.getMessage()
            .startsWith(
                "/closed: forced through its underlying file only, as it does not open: wrong"
                    + " password for keystore "
                    + keystore),
        e.getMessage());
  }

  /** What another program's {@code keys rotate} and an unsafe {@code keys retire} do. */
  private static void retireElsewhere(Path keystore) throws IOException {
    try (Pkcs12KeyStore other = Pkcs12KeyStore.open(keystore, PASSWORD, AuditLog.systemLogger())) {
      other.rotate();
      other.retire("master");
    }
  }
}
