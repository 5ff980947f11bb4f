package io.encryptedfs.durability;

import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** One master key, "master", derived from a seed, so that two processes share it. Tests only. */
final class SeededKeys implements KeyProvider {
  private final SecretKey key;

  SeededKeys(long seed) {
    try {
      byte[] bytes =
          MessageDigest.getInstance("SHA-256")
              .digest(("encryptedfs test key " + seed).getBytes(StandardCharsets.UTF_8));
      key = new SecretKeySpec(bytes, "AES");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public SecretKey masterKey(String alias) throws UnknownKeyAliasException {
    if (!"master".equals(alias)) {
      throw new UnknownKeyAliasException("seeded keys", alias);
    }
    return key;
  }

  @Override
  public Set<String> aliases() {
    return Set.of("master");
  }

  @Override
  public void close() {}
}
