package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A directory force that fails comes after the rename: the keystore in place is then the new one,
 * and the instance that wrote it must go on from there rather than from the one it replaced.
 */
class FailedDirectoryForceTest {
  private FileSystem fs;
  private Path file;
  private AuditCapture audit;
  private boolean failNextForce;

  @BeforeEach
  void setUp() throws IOException {
    fs = Fixtures.unixFileSystem();
    file = fs.getPath("/secrets/keys.p12");
    audit = new AuditCapture(fs.getPath("/audit/audit.jsonl"));
    Fixtures.create(file, audit.log()).close();
  }

  @AfterEach
  void tearDown() throws IOException {
    audit.close();
    fs.close();
  }

  /** Opens the keystore with a directory force that fails once each time the test asks it to. */
  private Pkcs12KeyStore open() throws IOException {
    return Pkcs12KeyStore.open(file, Fixtures.password(), audit.log(), Fixtures.FAST, this::force);
  }

  private void force(Path dir) throws IOException {
    if (failNextForce) {
      failNextForce = false;
      KeyStoreFile.forceDirectory(
          dir,
          () -> {
            throw new IOException("Input/output error");
          });
    }
    KeyStoreFile.syncDirectory(dir);
  }

  private FileSystemException failsToForce(KeyStoreAction change) {
    failNextForce = true;
    FileSystemException e = assertThrows(FileSystemException.class, change::run);
    assertTrue(e.getMessage().contains("may not survive a crash"), e.getMessage());
    assertEquals(file.getParent().toString(), e.getFile());
    return e;
  }

  private interface KeyStoreAction {
    void run() throws IOException;
  }

  @Test
  void aCreateWhoseForceFailsHasCreatedTheKeystoreAndSaysSo() throws IOException {
    Path created = file.resolveSibling("created.p12");
    failsToForce(
        () ->
            Pkcs12KeyStore.create(
                created, Fixtures.password(), audit.log(), Fixtures.FAST, this::force));
    List<String> lines = audit.fileLines();
    assertEquals(List.of("KEYSTORE_CREATED", "KEYSTORE_CREATED"), audit.kinds());
    assertTrue(lines.get(1).contains(created.toString()), lines.get(1));
    assertThrows(FileAlreadyExistsException.class, () -> Fixtures.create(created, audit.log()));
    try (Pkcs12KeyStore opened = Fixtures.open(created, audit.log())) {
      assertEquals(Set.of(), opened.aliases());
      opened.generateKey("first");
    }
    try (Stream<Path> listing = Files.list(file.getParent())) {
      assertEquals(Set.of(file, created), listing.collect(Collectors.toSet()), "no stray files");
    }
  }

  @Test
  void theNextChangeSucceedsAndBothAreOnDisk() throws IOException {
    try (Pkcs12KeyStore keys = open()) {
      keys.generateKey("first");
      failsToForce(() -> keys.generateKey("second"));
      keys.generateKey("third");
      assertEquals(Set.of("first", "second", "third"), keys.aliases());
    }
    try (Pkcs12KeyStore fresh = Fixtures.open(file, audit.log())) {
      assertEquals(Set.of("first", "second", "third"), fresh.aliases());
      assertEquals(Optional.of("first"), fresh.currentAlias());
    }
  }

  @Test
  void aKeyWhoseWriteWasNotForcedIsTheOneOnDisk() throws IOException {
    byte[] rotatedKey;
    String rotated;
    try (Pkcs12KeyStore keys = open()) {
      keys.generateKey("first");
      failsToForce(keys::rotate);
      rotated = keys.currentAlias().orElseThrow();
      assertNotEquals("first", rotated);
      rotatedKey = keys.masterKey(rotated).getEncoded();
      assertEquals(Set.of("first", rotated), keys.aliases());
    }
    try (Pkcs12KeyStore fresh = Fixtures.open(file, audit.log())) {
      assertEquals(Optional.of(rotated), fresh.currentAlias());
      assertArrayEquals(rotatedKey, fresh.masterKey(rotated).getEncoded());
    }
    assertEquals(
        List.of(
            "KEYSTORE_CREATED",
            "KEYSTORE_OPENED",
            "KEY_CHANGE_BEGUN",
            "KEY_GENERATED",
            "KEY_CHANGE_BEGUN",
            "KEY_GENERATED",
            "KEY_ROTATED",
            "KEYSTORE_OPENED",
            "KEY_LOADED"),
        audit.kinds());
  }

  @Test
  void aCurrentKeyChangeAndARetirementThatWereNotForcedAreInEffect() throws IOException {
    try (Pkcs12KeyStore keys = open()) {
      keys.generateKey("first");
      keys.generateKey("second");
      keys.masterKey("first");
      failsToForce(() -> keys.setCurrent("second"));
      assertEquals(Optional.of("second"), keys.currentAlias());
      failsToForce(() -> keys.retire("first"));
      assertEquals(Set.of("second"), keys.aliases());
      assertThrows(UnknownKeyAliasException.class, () -> keys.masterKey("first"));
      keys.generateKey("third");
    }
    try (Pkcs12KeyStore fresh = Fixtures.open(file, audit.log())) {
      assertEquals(Set.of("second", "third"), fresh.aliases());
      assertEquals(Optional.of("second"), fresh.currentAlias());
    }
    List<String> kinds = audit.kinds();
    assertTrue(kinds.contains("CURRENT_KEY_CHANGED"), kinds::toString);
    assertTrue(kinds.contains("KEY_RETIRED"), kinds::toString);
  }
}
