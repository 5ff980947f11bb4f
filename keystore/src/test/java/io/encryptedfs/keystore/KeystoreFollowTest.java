package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@link Pkcs12KeyStore}s on one file, as two programs have: each follows the changes the other
 * writes, without being reopened.
 */
class KeystoreFollowTest {
  private FileSystem fs;
  private Path file;
  private AuditCapture audit;

  @BeforeEach
  void setUp() throws IOException {
    fs = Fixtures.unixFileSystem();
    file = fs.getPath("/secrets/keys.p12");
    audit = new AuditCapture(fs.getPath("/audit/audit.jsonl"));
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("k1");
    }
  }

  @AfterEach
  void tearDown() throws IOException {
    audit.close();
    fs.close();
  }

  @Test
  void theCurrentKeyFollowsARotationMadeByTheOther() throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      assertEquals(Optional.of("k1"), b.currentAlias());
      String rotated = a.rotate();
      assertEquals(Optional.of(rotated), b.currentAlias());
      assertArrayEquals(a.masterKey(rotated).getEncoded(), b.masterKey(rotated).getEncoded());
    }
  }

  @Test
  void aKeyTheOtherAddedIsFoundByAlias() throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      b.masterKey("k1");
      SecretKey added = a.generateKey("k2");
      assertArrayEquals(added.getEncoded(), b.masterKey("k2").getEncoded());
      assertArrayEquals(added.getEncoded(), b.masterKeyForNewFile("k2").getEncoded());
      assertEquals(Set.of("k1", "k2"), b.aliases());
      assertThrows(UnknownKeyAliasException.class, () -> b.masterKey("k3"));
    }
  }

  @Test
  void aKeyTheOtherRetiredIsNotServedForNewFiles() throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      b.masterKey("k1");
      String rotated = a.rotate();
      a.retire("k1");
      assertThrows(UnknownKeyAliasException.class, () -> b.masterKeyForNewFile("k1"));
      assertThrows(
          UnknownKeyAliasException.class,
          () -> b.masterKey("k1"),
          "the key is forgotten once the file shows it gone");
      assertEquals(Optional.of(rotated), b.currentAlias());
    }
  }

  @Test
  void aKeyRetiredAndMadeAnewUnderItsAliasIsNotConfusedWithTheOld() throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      SecretKey old = b.masterKey("k1");
      a.rotate();
      a.retire("k1");
      SecretKey anew = a.generateKey("k1");
      assertArrayEquals(anew.getEncoded(), b.masterKeyForNewFile("k1").getEncoded());
      assertFalse(java.util.Arrays.equals(old.getEncoded(), anew.getEncoded()));
    }
  }

  @Test
  void aWriteAfterFollowingKeepsTheOthersChangeAndAStaleOneIsStillRefused() throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      String rotated = a.rotate();
      assertEquals(Optional.of(rotated), b.currentAlias());
      b.generateKey("from-b");
      assertEquals(Set.of("k1", rotated, "from-b"), reread(), "b wrote onto a's change");

      a.masterKeyForNewFile("from-b");
      a.generateKey("from-a");
      // b has not looked at the file since: its write would start from a view without from-a.
      IOException stale = assertThrows(IOException.class, () -> b.generateKey("again"));
      assertTrue(stale.getMessage().contains("changed by someone else"), stale.getMessage());
      assertEquals(Set.of("k1", rotated, "from-b", "from-a"), reread());
    }
  }

  @Test
  void makingCurrentTheKeyAStaleViewShowsAsCurrentMakesItCurrentInTheFile() throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      a.rotate();
      // b's view still marks k1 current; the file does not, so this is no change already made.
      b.setCurrent("k1");
      assertEquals(Optional.of("k1"), a.currentAlias());
    }
  }

  @Test
  void makingCurrentAKeyTheOtherRetiredIsRefusedThoughAStaleViewShowsItCurrent()
      throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      String rotated = a.rotate();
      a.retire("k1");
      assertThrows(UnknownKeyAliasException.class, () -> b.setCurrent("k1"));
      assertEquals(Optional.of(rotated), a.currentAlias());
    }
  }

  @Test
  void anAliasTheOtherRetiredIsFreeForANewKeyThoughAStaleViewHoldsIt() throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      String rotated = a.rotate();
      a.retire("k1");
      b.generateKey("k1");
      assertEquals(Set.of(rotated, "k1"), reread());
    }
  }

  @Test
  void aKeyTheOtherMadeNoLongerCurrentMayBeRetiredThoughAStaleViewShowsItCurrent()
      throws IOException {
    try (Pkcs12KeyStore a = Fixtures.open(file, audit.log());
        Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      String rotated = a.rotate();
      b.retire("k1");
      assertEquals(Set.of(rotated), reread());
      assertEquals(Optional.of(rotated), b.currentAlias());
    }
  }

  @Test
  void aChangedFileThatDoesNotAuthenticateIsReportedAndTheOldViewKept() throws IOException {
    try (Pkcs12KeyStore b = Fixtures.open(file, audit.log())) {
      Path other = fs.getPath("/other.p12");
      try (Pkcs12KeyStore foreign =
          Pkcs12KeyStore.create(
              other, "another password".toCharArray(), audit.log(), Fixtures.FAST)) {
        foreign.generateKey("k9");
      }
      Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
      assertThrows(WrongPasswordException.class, b::currentAlias);
      assertEquals(Set.of("k1"), b.aliases());
      assertThrows(WrongPasswordException.class, () -> b.masterKey("k9"));
    }
  }

  private Set<String> reread() throws IOException {
    try (Pkcs12KeyStore reopened = Fixtures.open(file, audit.log())) {
      return reopened.aliases();
    }
  }
}
