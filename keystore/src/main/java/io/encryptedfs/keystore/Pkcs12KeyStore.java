package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import javax.crypto.SecretKey;

/** Placeholder until the keystore module lands; replaced wholesale by its implementation. */
public final class Pkcs12KeyStore implements KeyProvider {
  private Pkcs12KeyStore() {}

  public static Pkcs12KeyStore create(Path file, char[] password) throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  public static Pkcs12KeyStore open(Path file, char[] password) throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  public SecretKey generateKey(String alias) throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public SecretKey masterKey(String alias) throws IOException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public Set<String> aliases() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  @Override
  public void close() {}
}
