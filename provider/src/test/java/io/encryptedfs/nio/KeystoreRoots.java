package io.encryptedfs.nio;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Roots whose master key is in a real PKCS#12 keystore, for the key rotation tests. */
final class KeystoreRoots {
  static final char[] PASSWORD = "correct horse battery".toCharArray();

  private KeystoreRoots() {}

  /**
   * Creates the keystore {@code keys.p12} in {@code dir}, holding key "master" under {@link
   * #PASSWORD}, and returns the settings of a root using it, which the caller may add to.
   */
  static Map<String, Object> newKeystoreAndRootEnv(Path dir) throws IOException {
    Path keystore = dir.resolve("keys.p12");
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(keystore, PASSWORD, AuditLog.systemLogger())) {
      keys.generateKey("master");
    }
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEYSTORE, keystore.toString());
    env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, new String(PASSWORD));
    env.put(EncryptedFileSystems.CREATE, "true");
    return env;
  }
}
