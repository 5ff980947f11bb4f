package io.encryptedfs.nio;

import static io.encryptedfs.nio.KeystoreRoots.PASSWORD;
import static io.encryptedfs.nio.KeystoreRoots.newKeystoreAndRootEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.WrongPasswordException;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keystore that another program corrupted, or replaced by one under another password, while a
 * file system follows it: opening a file under a key this program has not loaded yet, or creating
 * one, looks at the keystore and fails, and the failure was the keystore's own exception, naming
 * the keystore but not the file. Now its message is led by the file's path; a wrong password stays
 * a {@code WrongPasswordException}, which the command-line tool maps to its key or password exit.
 */
class UnreadableKeystorePathTest {
  private static final String OTHER_PASSWORD = "another password";

  @TempDir Path tmp;

  @Test
  void anOpenOrCreationThatMeetsABadKeystoreNamesTheFile() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path keystore = tmp.resolve("keys.p12");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      // Another program adds a key and writes a file under it, which lands in this root: this
      // program has not read that key, so opening the file looks at the keystore.
      try (Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, PASSWORD, AuditLog.systemLogger())) {
        keys.generateKey("second");
      }
      Map<String, Object> second = new HashMap<>(env);
      second.put(EncryptedFileSystems.KEY_ALIAS, "second");
      try (FileSystem other = EncryptedFileSystems.newFileSystem(tmp.resolve("other"), second)) {
        Files.writeString(other.getPath("/b"), "b");
      }
      Files.move(tmp.resolve("other/b"), dir.resolve("b"));
      byte[] good = Files.readAllBytes(keystore);

      byte[] altered = good.clone();
      altered[altered.length / 2] ^= 1;
      Files.write(keystore, altered);
      assertNamed(WrongPasswordException.class, "/b", () -> Files.readAllBytes(fs.getPath("/b")));
      assertNamed(
          WrongPasswordException.class, "/c", () -> Files.writeString(fs.getPath("/c"), "c"));

      Files.delete(keystore);
      try (Pkcs12KeyStore replaced =
          Pkcs12KeyStore.create(keystore, OTHER_PASSWORD.toCharArray(), AuditLog.systemLogger())) {
        replaced.generateKey("master");
      }
      assertNamed(
          WrongPasswordException.class, "/b", () -> Files.newByteChannel(fs.getPath("/b")).close());
      assertNamed(
          WrongPasswordException.class, "/c", () -> Files.writeString(fs.getPath("/c"), "c"));

      Files.write(keystore, new byte[] {0x30, 0x7f, 1});
      assertNamed(IOException.class, "/b", () -> Files.readAllBytes(fs.getPath("/b")));
      assertNamed(IOException.class, "/c", () -> Files.writeString(fs.getPath("/c"), "c"));

      Files.write(keystore, good);
      assertEquals("b", Files.readString(fs.getPath("/b")));
      assertFalse(Files.exists(dir.resolve("c")), "no file made");
    }
  }

  private void assertNamed(Class<? extends IOException> type, String path, Executable call) {
    IOException e = assertThrows(IOException.class, call);
    assertEquals(type, e.getClass(), e::toString);
    String message = e.getMessage();
    assertTrue(message.startsWith(path + ": "), message);
    assertTrue(message.contains(tmp.resolve("keys.p12").toString()), message);
    assertFalse(message.contains(new String(PASSWORD)), message);
    assertFalse(message.contains(OTHER_PASSWORD), message);
    assertTrue(e.getCause() instanceof IOException, e::toString);
  }
}
