package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A keystore opened through a symbolic link, which an administrator (or Kubernetes, updating a
 * mounted secret) repoints at another keystore: the program follows the link, as it follows a
 * rewrite, and its writes replace the file the link names, leaving the link a link.
 */
class KeystoreLinkTest {
  private FileSystem fs;
  private AuditCapture audit;
  private Path first;

  @BeforeEach
  void setUp() throws IOException {
    fs = Fixtures.unixFileSystem();
    audit = new AuditCapture(fs.getPath("/audit/audit.jsonl"));
    first = fs.getPath("/vol/..2026_1/keys.p12");
    try (Pkcs12KeyStore keys = Fixtures.create(first, audit.log())) {
      keys.generateKey("k1");
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    audit.close();
    fs.close();
  }

  @Test
  void aLinkRepointedAtAnotherKeystoreIsFollowed() throws IOException {
    Path second = fs.getPath("/vol/..2026_1/next.p12");
    Files.copy(first, second);
    Path link = Files.createSymbolicLink(fs.getPath("/vol/keys.p12"), first);
    try (Pkcs12KeyStore program = Fixtures.open(link, audit.log())) {
      assertEquals(Optional.of("k1"), program.currentAlias());
      String rotated = rotate(second);
      repoint(link, second);
      assertEquals(Optional.of(rotated), program.currentAlias());
      assertArrayEquals(
          masterKey(second, rotated), program.masterKeyForNewFile(rotated).getEncoded());
    }
  }

  /** Kubernetes swaps a {@code ..data} link to a new directory and removes the old one. */
  @Test
  void aKeystoreWhoseLinkedDirectoryIsSwappedAndRemovedIsFollowed() throws IOException {
    Path data = Files.createSymbolicLink(fs.getPath("/vol/..data"), fs.getPath("..2026_1"));
    Path link =
        Files.createSymbolicLink(fs.getPath("/vol/keys.p12"), fs.getPath("..data/keys.p12"));
    try (Pkcs12KeyStore program = Fixtures.open(link, audit.log())) {
      assertEquals(Optional.of("k1"), program.currentAlias());
      Path second = Files.createDirectory(fs.getPath("/vol/..2026_2")).resolve("keys.p12");
      Files.copy(first, second);
      String rotated = rotate(second);
      repoint(data, fs.getPath("..2026_2"));
      Files.delete(first);
      Files.delete(first.getParent());
      assertEquals(Optional.of(rotated), program.currentAlias());
    }
  }

  @Test
  void aWriteReplacesTheKeystoreTheLinkNamesNowAndLeavesTheLinkALink() throws IOException {
    Path second = fs.getPath("/vol/..2026_1/next.p12");
    Files.copy(first, second);
    Path link = Files.createSymbolicLink(fs.getPath("/vol/keys.p12"), first);
    try (Pkcs12KeyStore program = Fixtures.open(link, audit.log())) {
      program.generateKey("k2");
      assertTrue(Files.isSymbolicLink(link));
      assertEquals(Set.of("k1", "k2"), aliases(first));
      byte[] firstBefore = Files.readAllBytes(first);
      byte[] secondBefore = Files.readAllBytes(second);
      repoint(link, second);
      // Its view is of the keystore the link named before: neither file may take that.
      FileSystemException stale =
          assertThrows(FileSystemException.class, () -> program.generateKey("k3"));
      assertTrue(stale.getMessage().contains("changed by someone else"), stale.getMessage());
      assertArrayEquals(firstBefore, Files.readAllBytes(first));
      assertArrayEquals(secondBefore, Files.readAllBytes(second));
      assertEquals(Optional.of("k1"), program.currentAlias());
      program.generateKey("k3");
      assertTrue(Files.isSymbolicLink(link));
      assertEquals(Set.of("k1", "k3"), aliases(second));
      assertArrayEquals(firstBefore, Files.readAllBytes(first));
    }
  }

  private String rotate(Path keystore) throws IOException {
    try (Pkcs12KeyStore other = Fixtures.open(keystore, audit.log())) {
      return other.rotate();
    }
  }

  private byte[] masterKey(Path keystore, String alias) throws IOException {
    try (Pkcs12KeyStore other = Fixtures.open(keystore, audit.log())) {
      return other.masterKey(alias).getEncoded();
    }
  }

  private Set<String> aliases(Path keystore) throws IOException {
    try (Pkcs12KeyStore other = Fixtures.open(keystore, audit.log())) {
      assertFalse(Files.isSymbolicLink(keystore));
      return other.aliases();
    }
  }

  /** As {@code ln -sfn} does it atomically: a new link renamed over the old. */
  private void repoint(Path link, Path target) throws IOException {
    Path fresh = Files.createSymbolicLink(link.resolveSibling(".link.tmp"), target);
    Files.move(fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
