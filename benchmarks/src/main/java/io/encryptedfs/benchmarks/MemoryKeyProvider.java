package io.encryptedfs.benchmarks;

import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** In-memory key provider for benchmarks: one random 256-bit master key under alias "master". */
final class MemoryKeyProvider implements KeyProvider {
  static final String ALIAS = "master";
  private final byte[] key = new byte[32];

  MemoryKeyProvider() {
    new SecureRandom().nextBytes(key);
  }

  @Override
  public SecretKey masterKey(String alias) throws IOException {
    if (!ALIAS.equals(alias)) {
      throw new UnknownKeyAliasException("memory", alias);
    }
    return new SecretKeySpec(key, "AES");
  }

  @Override
  public Set<String> aliases() {
    return Set.of(ALIAS);
  }

  @Override
  public void close() {
    Arrays.fill(key, (byte) 0);
  }

  @Override
  public String toString() {
    return "MemoryKeyProvider";
  }
}
