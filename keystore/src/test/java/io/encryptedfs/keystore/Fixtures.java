package io.encryptedfs.keystore;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;

/** Shared test values. Most tests use cheap PBE so the suite stays fast on a shared machine. */
final class Fixtures {
  static final ProtectionParameters FAST = new ProtectionParameters(1_000, 1_000, 16);

  /** A password distinctive enough to search for in logs. */
  static final String PASSWORD = "Tr0ub4dor&3-canary";

  private Fixtures() {}

  static char[] password() {
    return PASSWORD.toCharArray();
  }

  static FileSystem unixFileSystem() {
    return Jimfs.newFileSystem(Configuration.unix());
  }

  static Pkcs12KeyStore create(Path file, AuditLog audit) throws IOException {
    return Pkcs12KeyStore.create(file, password(), audit, FAST);
  }

  static Pkcs12KeyStore open(Path file, AuditLog audit) throws IOException {
    return Pkcs12KeyStore.open(file, password(), audit, FAST);
  }
}
