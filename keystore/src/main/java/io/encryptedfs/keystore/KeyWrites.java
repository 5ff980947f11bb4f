package io.encryptedfs.keystore;

import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The operations that change the keystore's keys or its current key.
 *
 * <p>Each hands its change to {@link StoredKeys} with a callback that takes the change on (the key
 * cache, the audit trail) right after the new file is renamed into place: if forcing the directory
 * then fails, the write throws, but the change is on disk, so this object must already describe it
 * and the audit trail must already record it. Not thread-safe: {@link Pkcs12KeyStore} serialises
 * access.
 */
final class KeyWrites {
  private static final int KEY_BITS = 256;

  private final StoredKeys stored;
  private final KeyCache cache;
  private final AliasChecks checks;
  private final KeystoreAudit audit;
  private final SecureRandom random;

  KeyWrites(
      StoredKeys stored,
      KeyCache cache,
      AliasChecks checks,
      KeystoreAudit audit,
      SecureRandom random) {
    this.stored = stored;
    this.cache = cache;
    this.checks = checks;
    this.audit = audit;
    this.random = random;
  }

  /** See {@link Pkcs12KeyStore#generateKey}; {@code alias} is known to be valid. */
  SecretKey generateKey(String alias) throws IOException {
    checks.requireUnused(alias);
    // A marker naming no key stays as it is: generating a key is no choice of the current one.
    String current = stored.chosen().orElse(alias);
    SecretKey key = newKey();
    stored.addKey(
        alias,
        key,
        current,
        () -> {
          cache.put(alias, key);
          audit.keyGenerated(alias, alias.equals(current));
        });
    return key;
  }

  /** See {@link Pkcs12KeyStore#rotate}. */
  String rotate() throws IOException {
    String alias = Aliases.forRotation(Instant.now(), stored.entryAliases());
    String previous = stored.chosen().orElse("");
    SecretKey key = newKey();
    stored.addKey(
        alias,
        key,
        alias,
        () -> {
          cache.put(alias, key);
          audit.keyGenerated(alias, true);
          audit.keyRotated(alias, previous);
        });
    return alias;
  }

  /** See {@link Pkcs12KeyStore#setCurrent}; {@code name} is {@code requested} as stored. */
  void setCurrent(String name, String requested) throws IOException {
    checks.requireKey(name, requested);
    if (stored.marker().filter(name::equals).isPresent()) {
      return;
    }
    String previous = stored.chosen().orElse("");
    stored.setMarker(name, () -> audit.currentKeyChanged(name, previous));
  }

  /** See {@link Pkcs12KeyStore#retire}; {@code name} is {@code requested} as stored. */
  void retire(String name, String requested) throws IOException {
    checks.requireKey(name, requested);
    checks.requireNotCurrent(name);
    stored.delete(
        name,
        () -> {
          cache.remove(name);
          audit.keyRetired(name);
        });
  }

  private SecretKey newKey() throws IOException {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES");
      generator.init(KEY_BITS, random);
      return generator.generateKey();
    } catch (NoSuchAlgorithmException e) {
      throw new IOException("AES is unavailable", e);
    }
  }
}
