package io.encryptedfs.testing;

import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;

/**
 * Keys as a keystore file serves them to a program while others change it ({@code stored}): {@code
 * masterKey} from memory once loaded, {@code masterKeyForNewFile} after looking at what is stored
 * again, dropping what memory holds.
 */
public final class CachedKeys implements KeyProvider {
  private final InMemoryKeys stored;
  private final Map<String, SecretKey> held = new ConcurrentHashMap<>();

  public CachedKeys(InMemoryKeys stored) {
    this.stored = stored;
  }

  @Override
  public SecretKey masterKey(String alias) throws IOException {
    SecretKey key = held.get(alias);
    if (key == null) {
      key = stored.masterKey(alias);
      held.put(alias, key);
    }
    return key;
  }

  @Override
  public SecretKey masterKeyForNewFile(String alias) throws IOException {
    held.clear();
    return masterKey(alias);
  }

  @Override
  public Set<String> aliases() throws IOException {
    return stored.aliases();
  }

  @Override
  public Optional<String> currentAlias() throws IOException {
    return stored.currentAlias();
  }

  @Override
  public void close() {}
}
