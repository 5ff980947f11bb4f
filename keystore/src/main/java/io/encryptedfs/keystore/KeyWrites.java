package io.encryptedfs.keystore;

import io.encryptedfs.keystore.AuditEvent.Kind;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * The operations that change the keystore's keys or its current key.
 *
 * <p>Each hands its change to {@link StoredKeys} with two callbacks. The first records {@code
 * KEY_CHANGE_BEGUN} right before the new file is renamed into place, so that a process killed
 * between the rename and the events of its outcome has still left a record of the change. The
 * second takes the change on (the key cache, the audit trail) right after the rename: if forcing
 * the directory then fails, the write throws, but the change is on disk, so this object must
 * already describe it and the audit trail must already record it. Not thread-safe: {@link
 * Pkcs12KeyStore} serialises access.
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
    String write = writeId();
    boolean isCurrent = alias.equals(current);
    stored.addKey(
        alias,
        key,
        current,
        () ->
            audit.changeBegun(
                write, alias, List.of(Kind.KEY_GENERATED), Map.of("current", "" + isCurrent)),
        () -> {
          cache.put(alias, key);
          audit.keyGenerated(write, alias, isCurrent);
        });
    return key;
  }

  /** See {@link Pkcs12KeyStore#rotate}. */
  String rotate() throws IOException {
    String alias = Aliases.forRotation(Instant.now(), stored.entryAliases());
    String previous = stored.chosen().orElse("");
    SecretKey key = newKey();
    String write = writeId();
    stored.addKey(
        alias,
        key,
        alias,
        () ->
            audit.changeBegun(
                write,
                alias,
                List.of(Kind.KEY_GENERATED, Kind.KEY_ROTATED),
                Map.of("current", "true", "previous", previous)),
        () -> {
          cache.put(alias, key);
          audit.keyGenerated(write, alias, true);
          audit.keyRotated(write, alias, previous);
        });
    return alias;
  }

  /** See {@link Pkcs12KeyStore#setCurrent}; {@code name} is {@code requested} as stored. */
  void setCurrent(String name, String requested) throws IOException {
    checks.requireKey(name, requested);
    if (stored.marker().filter(name::equals).isPresent()) {
      // Nothing to do only if the file marks it too: another program may have moved the marker
      // since this object read the file, or retired the key, and a stale view taken for the file
      // would return as if done.
      cache.followFile();
      checks.requireKey(name, requested);
      if (stored.marker().filter(name::equals).isPresent()) {
        return;
      }
    }
    String previous = stored.chosen().orElse("");
    String write = writeId();
    stored.setMarker(
        name,
        () ->
            audit.changeBegun(
                write, name, List.of(Kind.CURRENT_KEY_CHANGED), Map.of("previous", previous)),
        () -> audit.currentKeyChanged(write, name, previous));
  }

  /** See {@link Pkcs12KeyStore#retire}; {@code name} is {@code requested} as stored. */
  void retire(String name, String requested) throws IOException {
    checks.requireRetirable(name, requested);
    String write = writeId();
    stored.delete(
        name,
        () -> audit.changeBegun(write, name, List.of(Kind.KEY_RETIRED), Map.of()),
        () -> {
          cache.remove(name);
          audit.keyRetired(write, name);
        });
  }

  /**
   * What pairs a change's {@code KEY_CHANGE_BEGUN} event with the events of its outcome: unique
   * enough among one keystore's writes, and no secret.
   */
  private static String writeId() {
    return String.format("%016x", ThreadLocalRandom.current().nextLong());
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
