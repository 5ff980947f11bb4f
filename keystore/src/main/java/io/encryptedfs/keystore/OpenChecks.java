package io.encryptedfs.keystore;

import io.encryptedfs.keystore.AuditEvent.Kind;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/** The checks made on a keystore as it is opened and its keys are loaded. */
final class OpenChecks {
  private OpenChecks() {}

  /** Warns when the keystore file grants anything to its group or to others. */
  static void permissions(Path file, String source, AuditLog audit) throws IOException {
    String permissions = OwnerOnly.openToOthers(file);
    if (permissions != null) {
      audit.record(
          Kind.INSECURE_PERMISSIONS,
          source,
          null,
          Map.of("permissions", permissions, "expected", "rw-------"));
    }
  }

  /** Warns about every part of the keystore protected more weakly than {@code policy}. */
  static void protection(
      byte[] keystore, ProtectionParameters policy, String source, AuditLog audit)
      throws IOException {
    List<Pkcs12Protection.Protection> parts;
    try {
      parts = Pkcs12Protection.inspect(Pfx.parse(keystore));
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read how keystore " + source + " is protected", e);
    }
    for (Pkcs12Protection.Protection part : parts) {
      if (!part.meets(policy)) {
        int required =
            part.part() == Pkcs12Protection.Part.MAC
                ? policy.macIterations()
                : policy.keyIterations();
        audit.record(
            Kind.WEAK_PROTECTION,
            source,
            part.name().isEmpty() ? null : part.name(),
            Map.of(
                "part", part.describe(),
                "requiredIterations", Integer.toString(required)));
      }
    }
  }

  /** Master keys wrap data keys with AES, so anything else under a key alias is refused. */
  static void requireAesKey(SecretKey key, String alias, String source) throws IOException {
    if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new IOException(
          "key "
              + Printable.of(alias)
              + " in keystore "
              + source
              + " is "
              + key.getAlgorithm()
              + ", not AES: encryptedfs master keys must be AES keys");
    }
    byte[] encoded = key.getEncoded();
    int length = encoded == null ? 0 : encoded.length;
    if (encoded != null) {
      Arrays.fill(encoded, (byte) 0);
    }
    if (length != 16 && length != 24 && length != 32) {
      throw new IOException(
          "key " + Printable.of(alias) + " in " + source + " has an invalid AES key length");
    }
  }

  /** Why an operation failed, for the audit trail: a category and never a secret. */
  static String reason(Throwable e) {
    if (e instanceof WrongPasswordException) {
      return "wrong password or modified keystore";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
