package io.encryptedfs.nio;

import io.encryptedfs.KeyProviderException;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.Printable;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Checks what the keys answer before the file system acts on it. A key provider is outside code
 * (the {@code key.provider} setting), and a keystore {@code keytool} made may hold aliases no file
 * header can: taken unchecked, a null answer failed deep inside (a NullPointerException in the key
 * wrap) and a long alias only in the new file's header, once the root's directory was made.
 */
final class ProviderAnswers {
  private ProviderAnswers() {}

  /** {@code key}, the provider's answer for {@code alias}, unless it broke the contract. */
  static SecretKey key(SecretKey key, String alias, String keys) throws KeyProviderException {
    if (key == null) {
      throw broken(keys, "masterKey('" + Printable.of(alias) + "') returned null", alias);
    }
    return key;
  }

  /** {@code current}, the provider's answer to {@code currentAlias()}, unless it is null. */
  static Optional<String> current(Optional<String> current, String keys)
      throws KeyProviderException {
    if (current == null) {
      throw broken(keys, "currentAlias() returned null, not an Optional", null);
    }
    return current;
  }

  /** {@code aliases}, the provider's answer to {@code aliases()}, unless it is null. */
  static Set<String> aliases(Set<String> aliases, String keys) throws KeyProviderException {
    if (aliases == null) {
      throw broken(keys, "aliases() returned null, not a set", null);
    }
    return aliases;
  }

  /**
   * {@code alias}, which {@code namedBy} names for new files, if a file header can hold it; checked
   * before anything is made, since the header is the last thing a creation writes.
   */
  static String forNewFiles(String alias, String namedBy, String keys) throws KeyProviderException {
    int bytes = alias.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > FileHeader.MAX_ALIAS_BYTES) {
      throw new KeyProviderException(
          keys
              + ": key alias '"
              + Printable.of(alias)
              + "' ("
              + bytes
              + " UTF-8 bytes), "
              + namedBy
              + ", cannot be written in a file header, which holds 1 to "
              + FileHeader.MAX_ALIAS_BYTES
              + " UTF-8 bytes; use a key with a shorter alias for new files",
          alias);
    }
    return alias;
  }

  /** How messages name {@code keys}: the keystore's path, or the provider's class. */
  static String nameOf(KeyProvider keys, String keystore) {
    return keystore != null ? "keystore " + keystore : "key provider " + keys.getClass().getName();
  }

  private static KeyProviderException broken(String keys, String answer, String alias) {
    return new KeyProviderException(keys + " broke the KeyProvider contract: " + answer, alias);
  }
}
