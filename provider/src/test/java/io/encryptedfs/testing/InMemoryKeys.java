package io.encryptedfs.testing;

import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** A key provider holding random AES-256 master keys in memory, for tests. */
public final class InMemoryKeys implements KeyProvider {
  private final Map<String, SecretKey> keys = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private CurrentAlias current = Optional::empty;

  /** What {@link #currentAlias} answers: a test's stand-in for a keystore's current-key marker. */
  public interface CurrentAlias {
    Optional<String> get() throws IOException;
  }

  public InMemoryKeys(String... aliases) {
    for (String alias : aliases) {
      add(alias);
    }
  }

  public synchronized InMemoryKeys add(String alias) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    keys.put(alias, new SecretKeySpec(bytes, "AES"));
    return this;
  }

  /** Adds {@code key} (any AES key size) under {@code alias}. */
  public synchronized InMemoryKeys add(String alias, SecretKey key) {
    keys.put(alias, key);
    return this;
  }

  /** Drops the key under {@code alias}, as a keystore another program retired it from would. */
  public synchronized InMemoryKeys remove(String alias) {
    keys.remove(alias);
    return this;
  }

  @Override
  public synchronized SecretKey masterKey(String alias) throws UnknownKeyAliasException {
    SecretKey key = keys.get(alias);
    if (key == null) {
      throw new UnknownKeyAliasException("in-memory keys", alias);
    }
    return key;
  }

  @Override
  public synchronized Set<String> aliases() {
    return Set.copyOf(keys.keySet());
  }

  /** Makes {@link #currentAlias} answer as {@code current} does (by default: none marked). */
  public synchronized InMemoryKeys current(CurrentAlias current) {
    this.current = current;
    return this;
  }

  @Override
  public synchronized Optional<String> currentAlias() throws IOException {
    return current.get();
  }

  @Override
  public void close() {}
}
