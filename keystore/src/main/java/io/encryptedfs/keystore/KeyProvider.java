package io.encryptedfs.keystore;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The source of master keys for an encrypted file system.
 *
 * <p>The file system asks a {@code KeyProvider} for the master key named in a file's header, and
 * for the key that new files are wrapped with. Master keys only ever wrap and unwrap per-file data
 * keys; they never touch content. A hardware module or a cloud key service can implement this
 * interface without any change to the on-disk format.
 *
 * <p>Implementations must be safe for use by several threads, must never reveal key material in
 * {@code toString()}, logs or exception messages, and should wipe what they can on {@link
 * #close()}. No method returns null: a missing key is an {@link UnknownKeyAliasException}, no
 * current key an empty {@code Optional}. The encrypted file system refuses a null answer, and an
 * alias for new files that its file headers cannot hold (1 to 128 UTF-8 bytes), before it makes
 * anything.
 */
public interface KeyProvider extends AutoCloseable {

  /**
   * Returns the AES master key stored under {@code alias}.
   *
   * @throws UnknownKeyAliasException if no such key exists
   * @throws IOException if the key cannot be read
   */
  SecretKey masterKey(String alias) throws IOException;

  /**
   * Returns the master key under {@code alias} to wrap a new file's data key with. Unlike {@link
   * #masterKey}, which may answer from memory, it must not return a key the provider no longer
   * holds, such as one another program retired: a file wrapped under it could never be read again.
   * The default asks {@link #masterKey}, which suits providers whose keys are never removed.
   *
   * @throws UnknownKeyAliasException if no such key exists
   */
  default SecretKey masterKeyForNewFile(String alias) throws IOException {
    return masterKey(alias);
  }

  /** The aliases of the secret keys this provider holds. */
  Set<String> aliases() throws IOException;

  /**
   * The alias of the key that wraps the data keys of new files, if this provider designates one.
   * The default designates none, leaving the choice to the caller.
   */
  default Optional<String> currentAlias() throws IOException {
    return Optional.empty();
  }

  /** Releases the provider and wipes cached key material it owns. */
  @Override
  void close();
}
