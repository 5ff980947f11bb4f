package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Creating a keystore file, or opening and checking one, up to what a {@link Pkcs12KeyStore} works
 * on; the password copy taken is wiped if that fails.
 */
final class KeystoreOpening {
  private KeystoreOpening() {}

  /** A keystore's contents as read or written, the watch that follows its file, and its audit. */
  record Opened(String source, StoredKeys stored, KeystoreWatch watch, KeystoreAudit audit) {}

  /** See {@link Pkcs12KeyStore#create(Path, char[])}. */
  static Opened create(
      Path file,
      char[] password,
      AuditLog audit,
      ProtectionParameters policy,
      KeyStoreFile.DirectorySync sync,
      SecureRandom random)
      throws IOException {
    Objects.requireNonNull(audit, "audit");
    Path absolute = file.toAbsolutePath();
    String source = absolute.toString();
    KeystoreAudit events = new KeystoreAudit(audit, source);
    char[] copy = KeystorePassword.copyOf(password);
    try {
      StoredKeys stored =
          StoredKeys.create(
              absolute, source, new Pkcs12Codec(policy, random), sync, copy, events::created);
      return new Opened(source, stored, KeystoreWatch.unread(absolute), events);
    } catch (IOException | RuntimeException e) {
      Arrays.fill(copy, '\0');
      throw e;
    }
  }

  /** See {@link Pkcs12KeyStore#open(Path, char[])}. */
  static Opened open(
      Path file,
      char[] password,
      AuditLog audit,
      ProtectionParameters policy,
      KeyStoreFile.DirectorySync sync,
      SecureRandom random)
      throws IOException {
    Objects.requireNonNull(audit, "audit");
    String source = file.toAbsolutePath().toString();
    KeystoreAudit events = new KeystoreAudit(audit, source);
    char[] copy = KeystorePassword.copyOf(password);
    try {
      // The path as given, links and all, so that a link repointed at another keystore (as an
      // update of a mounted Kubernetes secret does) is followed like a rewrite; each write
      // resolves it then (KeyStoreFile.replace), so a link to a keystore stays a link.
      Path absolute = file.toAbsolutePath();
      OpenChecks.permissions(absolute, source, audit);
      KeystoreWatch watch = KeystoreWatch.beforeReading(absolute);
      byte[] bytes = KeyStoreFile.read(absolute);
      StoredKeys stored =
          StoredKeys.open(absolute, source, new Pkcs12Codec(policy, random), sync, copy, bytes);
      OpenChecks.protection(bytes, policy, source, audit);
      events.opened(stored.keyAliases().size());
      return new Opened(source, stored, watch, events);
    } catch (IOException | RuntimeException e) {
      Arrays.fill(copy, '\0');
      events.openFailed(e);
      throw e;
    }
  }
}
