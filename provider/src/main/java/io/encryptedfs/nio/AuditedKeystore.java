package io.encryptedfs.nio;

import io.encryptedfs.channel.IntegrityListener;
import io.encryptedfs.keystore.AuditEvent.Kind;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * A keystore the file system opened itself, with the audit log it records to: authentication
 * failures of the file system's files become audit events ({@code KEY_UNWRAP_FAILED}, {@code
 * CONTENT_AUTHENTICATION_FAILED}) with the path, block and reason, never key material. Closing it
 * closes both.
 */
final class AuditedKeystore implements KeyProvider, IntegrityListener {
  private final Pkcs12KeyStore store;
  private final AuditLog audit;
  private final String source;

  AuditedKeystore(Pkcs12KeyStore store, AuditLog audit, Path keystore) {
    this.store = store;
    this.audit = audit;
    this.source = keystore.toAbsolutePath().toString();
  }

  Pkcs12KeyStore store() {
    return store;
  }

  @Override
  public SecretKey masterKey(String alias) throws IOException {
    return store.masterKey(alias);
  }

  @Override
  public SecretKey masterKeyForNewFile(String alias) throws IOException {
    return store.masterKeyForNewFile(alias);
  }

  @Override
  public Set<String> aliases() throws IOException {
    return store.aliases();
  }

  @Override
  public Optional<String> currentAlias() throws IOException {
    return store.currentAlias();
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
      store.close();
    } finally {
      audit.close();
    }
  }

  @Override
  public String toString() {
    return "AuditedKeystore[" + store + ", " + audit + "]";
  }
}
