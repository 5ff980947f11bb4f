package io.encryptedfs.cli;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.PasswordSource;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the keystore is and how to get its password; shared by every command. */
final class KeystoreOptions {
  @Option(
      names = {"-k", "--keystore"},
      required = true,
      paramLabel = "FILE",
      description = "PKCS#12 keystore holding the master keys.")
  Path keystore;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the keystore password from the first line of FILE.")
  Path passwordFile;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Read the keystore password from environment variable VAR.")
  String passwordEnv;

  @Option(
      names = "--audit-file",
      paramLabel = "FILE",
      description = "Also append audit events (JSON lines) to FILE.")
  Path auditFile;

  @Option(
      names = "--key-policy",
      paramLabel = "RULES",
      description =
          "Master key per subtree, as the key.policy setting: GLOB=ALIAS rules separated by ';',"
              + " e.g. /pii/**=pii-key;/wal/**=wal-key. Used for new files and by rewrap.")
  String keyPolicy;

  /** The password from the chosen source; without one, prompted at the console. */
  char[] password() throws IOException {
    if (passwordFile != null && passwordEnv != null) {
      throw new IllegalArgumentException("give --password-file or --password-env, not both");
    }
    PasswordSource source =
        passwordFile != null
            ? PasswordSource.fromFile(passwordFile)
            : passwordEnv != null
                ? PasswordSource.fromEnvironment(passwordEnv)
                : PasswordSource.fromConsole("Keystore password for " + keystore + ": ");
    return source.read();
  }

  AuditLog audit() throws IOException {
    return auditFile == null ? AuditLog.systemLogger() : AuditLog.appendingTo(auditFile);
  }

  /** Opens the keystore with the audit log, which the caller closes after the keystore. */
  Pkcs12KeyStore open(AuditLog audit) throws IOException {
    char[] password = password();
    try {
      return Pkcs12KeyStore.open(keystore, password, audit);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** Opens the encrypted root {@code dir}; the file system opens (and audits) the keystore. */
  FileSystem openRoot(Path dir, boolean create) throws IOException {
    char[] password = password();
    try {
      Map<String, Object> env = new HashMap<>();
      env.put(EncryptedFileSystems.KEYSTORE, keystore);
      env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, password);
      if (auditFile != null) {
        env.put(EncryptedFileSystems.AUDIT_FILE, auditFile);
      }
      if (create) {
        env.put(EncryptedFileSystems.CREATE, "true");
      }
      if (keyPolicy != null) {
        env.put(EncryptedFileSystems.KEY_POLICY, keyPolicy);
      }
      return EncryptedFileSystems.newFileSystem(dir, env);
    } finally {
      Arrays.fill(password, '\0');
    }
  }
}
