package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Permissions on the real disk, where they matter. */
class PosixPermissionsTest {
  @TempDir Path dir;

  @BeforeEach
  void requirePosix() {
    assumeTrue(OwnerOnly.isPosix(dir), "POSIX permissions only");
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void createdFilesAndDirectoriesAreOwnerOnly() throws IOException {
    Path file = dir.resolve("new").resolve("nested").resolve("ks.p12");
    try (Pkcs12KeyStore keys = Fixtures.create(file, AuditLog.systemLogger())) {
      assertEquals("rw-------", mode(file));
      assertEquals("rwx------", mode(dir.resolve("new")));
      assertEquals("rwx------", mode(dir.resolve("new").resolve("nested")));
      keys.generateKey("master");
      keys.rotate();
      assertEquals("rw-------", mode(file), "rewrites keep the mode");
    }
  }

  @Test
  void rewritesKeepTheModeTheAdministratorChose() throws IOException {
    Path file = dir.resolve("ks.p12");
    Fixtures.create(file, AuditLog.systemLogger()).close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
      keys.generateKey("master");
      keys.rotate();
    }
    assertEquals("rw-r-----", mode(file));
  }

  /**
   * What {@code keys rotate} does to a keystore that belongs to a service user and is read-only:
   * run by root, it keeps the owner, group and mode; run by anyone else, who cannot write the file,
   * it is refused naming the keystore and changes nothing. Each environment checks the case it can
   * set up (only root can hand a file to another user; FileOwnershipTest covers the logic of both).
   */
  @Test
  void aReadOnlyKeystoreKeepsItsOwnershipOrRefusesTheChange() throws IOException {
    Path file = dir.resolve("ks.p12");
    Fixtures.create(file, AuditLog.systemLogger()).close();
    if (!"root".equals(Files.getOwner(file).getName())) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
      byte[] before = Files.readAllBytes(file);
      try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
        AccessDeniedException refused =
            assertThrows(AccessDeniedException.class, () -> keys.generateKey("master"));
        assertEquals(file.toString(), refused.getFile());
      }
      assertArrayEquals(before, Files.readAllBytes(file));
      return;
    }
    UserPrincipalLookupService names = dir.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal nobody = names.lookupPrincipalByName("nobody");
    GroupPrincipal nogroup = names.lookupPrincipalByGroupName("nogroup");
    Files.setOwner(file, nobody);
    Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(nogroup);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
      keys.generateKey("master");
      keys.rotate();
    }
    PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class);
    assertEquals(nobody, after.owner());
    assertEquals(nogroup, after.group());
    assertEquals("r--------", mode(file));
  }

  @Test
  void aWorldReadableKeystoreIsReported() throws IOException {
    Path file = dir.resolve("ks.p12");
    Fixtures.create(file, AuditLog.systemLogger()).close();
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (AuditCapture audit = new AuditCapture(dir.resolve("audit.jsonl"))) {
      Fixtures.open(file, audit.log()).close();
      List<String> lines = audit.fileLines();
      assertEquals(List.of("INSECURE_PERMISSIONS", "KEYSTORE_OPENED"), audit.kinds());
      // The file's whole mode: the offending bits alone (---r--r--) read as an owner without
      // access.
      assertTrue(lines.get(0).contains("\"permissions\":\"rw-r--r--\""), lines.get(0));
      assertEquals(java.util.logging.Level.WARNING, audit.loggedRecords().get(0).getLevel());
    }
  }

  @Test
  void anOwnerOnlyKeystoreIsNotReported() throws IOException {
    Path file = dir.resolve("ks.p12");
    Fixtures.create(file, AuditLog.systemLogger()).close();
    try (AuditCapture audit = new AuditCapture(dir.resolve("audit.jsonl"))) {
      Fixtures.open(file, audit.log()).close();
      assertFalse(audit.kinds().contains("INSECURE_PERMISSIONS"));
    }
  }

  @Test
  void theAuditFileIsOwnerOnly() throws IOException {
    Path file = dir.resolve("logs").resolve("audit.jsonl");
    try (AuditLog log = AuditLog.appendingTo(file)) {
      log.record(AuditEvent.Kind.KEY_RETIRED, null, "x", java.util.Map.of());
    }
    assertEquals("rw-------", mode(file));
    assertEquals("rwx------", mode(dir.resolve("logs")));
  }
}
