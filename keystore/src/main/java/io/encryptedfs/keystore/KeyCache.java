package io.encryptedfs.keystore;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

/**
 * The master keys held in memory, decrypted or just generated, for as long as the file they came
 * from is unchanged.
 *
 * <p>{@link #get} may be called without the keystore's lock, so that a loaded key is cheap to have;
 * everything else runs under {@link Pkcs12KeyStore}'s lock, which also guards the {@link
 * KeystoreWatch} and the {@link StoredKeys} given here.
 */
final class KeyCache {
  private final String source;
  private final StoredKeys stored;
  private final KeystoreWatch watch;
  private final KeystoreAudit audit;
  private final Map<String, SecretKey> keys = new ConcurrentHashMap<>();

  KeyCache(String source, StoredKeys stored, KeystoreWatch watch, KeystoreAudit audit) {
    this.source = source;
    this.stored = stored;
    this.watch = watch;
    this.audit = audit;
  }

  /** The key under {@code name} if it has been loaded, else null. */
  SecretKey get(String name) {
    return keys.get(name);
  }

  /**
   * Decrypts the key entry under {@code name}, which the caller has checked is a key, and keeps it.
   */
  SecretKey load(String name) throws IOException {
    SecretKey key;
    try {
      key = stored.decrypt(name);
    } catch (GeneralSecurityException | IOException e) {
      throw loadFailed(
          name, new IOException("cannot decrypt key " + name + " in keystore " + source, e));
    }
    try {
      OpenChecks.requireAesKey(key, name, source);
    } catch (IOException e) {
      // Its own message says what is wrong with the key; wrapping it would hide that.
      throw loadFailed(name, e);
    }
    keys.put(name, key);
    audit.keyLoaded(name);
    return key;
  }

  /** Keeps {@code key}, just written under {@code name}, so that it is not decrypted again. */
  void put(String name, SecretKey key) {
    keys.put(name, key);
  }

  void remove(String name) {
    keys.remove(name);
  }

  void clear() {
    keys.clear();
  }

  /**
   * Reads the file again if it may have changed, and if it did drops the keys in memory, so that
   * one retired elsewhere, or retired and made anew under its alias, is not served; the others are
   * decrypted again when next asked for.
   */
  void followFile() throws IOException {
    if (watch.catchUp(stored)) {
      keys.clear();
    }
  }

  private IOException loadFailed(String name, IOException e) {
    audit.keyLoadFailed(name, e);
    return e;
  }
}
