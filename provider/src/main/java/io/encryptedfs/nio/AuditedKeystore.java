package io.encryptedfs.nio;

import io.encryptedfs.KeyProviderException;
import io.encryptedfs.channel.IntegrityListener;
import io.encryptedfs.keystore.AuditEvent.Kind;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.Printable;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * The file system's keys with the audit log it records to: authentication failures of the file
 * system's files become audit events ({@code KEY_UNWRAP_FAILED}, {@code
 * CONTENT_AUTHENTICATION_FAILED}) with the path, block and reason, and rewraps {@code
 * FILE_REWRAPPED}; never key material. The keys are a keystore the file system opened itself, or
 * the caller's own key provider, which the file system records for as well: an audit trail must not
 * depend on how the keys were handed over. Closing it closes the audit log, and the keys if the
 * file system opened them.
 */
final class AuditedKeystore implements KeyProvider, IntegrityListener {
  private final KeyProvider keys;
  private final boolean ownsKeys;
  private final AuditLog audit;
  private final String source;

  /**
   * @param ownsKeys whether {@link #close} closes {@code keys} (the file system opened them)
   * @param source the keystore the events name, or null if the keys are not a keystore file
   */
  AuditedKeystore(KeyProvider keys, boolean ownsKeys, AuditLog audit, String source) {
    this.keys = keys;
    this.ownsKeys = ownsKeys;
    this.audit = audit;
    this.source = source;
  }

  /** The PKCS#12 keystore the keys are, or null if they are another provider. */
  Pkcs12KeyStore store() {
    return keys instanceof Pkcs12KeyStore store ? store : null;
  }

  /** How messages name the keys: the keystore's path, or the key provider's class. */
  String name() {
    return ProviderAnswers.nameOf(keys, source);
  }

  // Every answer of the keys reaches the file system through here, so it is checked here.

  @Override
  public SecretKey masterKey(String alias) throws IOException {
    try {
      return ProviderAnswers.key(keys.masterKey(alias), alias, name());
    } catch (FileSystemException e) {
      throw unreadable(e);
    } catch (RuntimeException e) {
      throw failed("masterKey", alias, e);
    }
  }

  @Override
  public SecretKey masterKeyForNewFile(String alias) throws IOException {
    try {
      return ProviderAnswers.key(keys.masterKeyForNewFile(alias), alias, name());
    } catch (FileSystemException e) {
      throw unreadable(e);
    } catch (RuntimeException e) {
      throw failed("masterKeyForNewFile", alias, e);
    }
  }

  @Override
  public Set<String> aliases() throws IOException {
    try {
      return ProviderAnswers.aliases(keys.aliases(), name());
    } catch (FileSystemException e) {
      throw unreadable(e);
    } catch (RuntimeException e) {
      throw failed("aliases", null, e);
    }
  }

  @Override
  public Optional<String> currentAlias() throws IOException {
    try {
      return ProviderAnswers.current(keys.currentAlias(), name());
    } catch (FileSystemException e) {
      throw unreadable(e);
    } catch (RuntimeException e) {
      throw failed("currentAlias", null, e);
    }
  }

  /**
   * The keystore's own file failed a look or a read again (another program deleted it, or made it
   * unreadable): a {@code NoSuchFileException} or {@code AccessDeniedException} naming it would
   * pass, where the file system works on a file, for that file gone or denied, so that a force, a
   * rewrap or a key usage scan skipped the file as deleted meanwhile, and a creation seemed to lack
   * its directory.
   */
  private IOException unreadable(FileSystemException e) {
    return new IOException(name() + " cannot be read: " + e, e);
  }

  /**
   * An unchecked exception of the keys' {@code call} (for {@code alias}, or null): a keystore given
   * as {@code key.provider} and closed before the file system throws {@code IllegalStateException}.
   * Escaping, it stopped the file system's close at the first file it forces again (one written and
   * closed since its last force), so that no file after it was forced; as an {@code IOException}
   * naming the keys it is that file's failure, which the close reports after forcing its underlying
   * file, and an open, a creation or a rewrap fails with it as with any other failure of the keys.
   * An {@code Error} passes as it is.
   */
  private KeyProviderException failed(String call, String alias, RuntimeException e) {
    KeyProviderException failed =
        new KeyProviderException(
            name()
                + ": "
                + call
                + (alias == null ? "()" : "('" + Printable.of(alias) + "')")
                + " failed: "
                + e,
            alias);
    failed.initCause(e);
    return failed;
  }

  @Override
  public void keyUnwrapFailed(String path, String alias) {
    audit.record(Kind.KEY_UNWRAP_FAILED, source, alias, Map.of("path", path));
  }

  /** Records that a file's data key is now wrapped by {@code alias} instead of {@code previous}. */
  void rewrapped(String path, String previous, String alias) {
    audit.record(
        Kind.FILE_REWRAPPED,
        source,
        alias,
        Map.of("path", path, "previous", previous == null ? "" : previous));
  }

  @Override
  public void contentDamaged(String path, long block, String reason) {
    audit.record(
        Kind.CONTENT_AUTHENTICATION_FAILED,
        source,
        null,
        Map.of("path", path, "block", Long.toString(block), "reason", reason));
  }

  @Override
  public void close() {
    try {
      if (ownsKeys) {
        keys.close();
      }
    } finally {
      audit.close();
    }
  }

  @Override
  public String toString() {
    return "AuditedKeystore[" + keys + ", " + audit + "]";
  }
}
