package io.encryptedfs.keystore;

import static io.encryptedfs.keystore.Fixtures.password;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class Pkcs12KeyStoreTest {
  private FileSystem fs;
  private Path file;
  private AuditCapture audit;

  @BeforeEach
  void setUp() throws IOException {
    fs = Fixtures.unixFileSystem();
    file = fs.getPath("/secrets/keys.p12");
    audit = new AuditCapture(fs.getPath("/audit/audit.jsonl"));
  }

  @AfterEach
  void tearDown() throws IOException {
    audit.close();
    fs.close();
  }

  @Test
  void roundTripKeepsKeyBytes() throws IOException {
    byte[] generated;
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      SecretKey key = keys.generateKey("master");
      assertEquals("AES", key.getAlgorithm());
      assertEquals(32, key.getEncoded().length);
      generated = key.getEncoded();
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
      assertArrayEquals(generated, keys.masterKey("master").getEncoded());
      assertEquals(Set.of("master"), keys.aliases());
      assertEquals(Optional.of("master"), keys.currentAlias());
    }
  }

  @Test
  void wrongPasswordIsReportedAsSuch() throws IOException {
    Fixtures.create(file, audit.log()).close();
    char[] wrong = "not the password".toCharArray();
    WrongPasswordException e =
        assertThrows(
            WrongPasswordException.class,
            () -> Pkcs12KeyStore.open(file, wrong, audit.log(), Fixtures.FAST));
    assertTrue(e.getMessage().contains(file.toString()));
    assertEquals("KEYSTORE_OPEN_FAILED", audit.kinds().get(audit.kinds().size() - 1));
  }

  @Test
  void alteredKeystoreFailsItsIntegrityCheck() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("master");
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    assertThrows(IOException.class, () -> Fixtures.open(file, audit.log()));
  }

  @Test
  void unknownAliasIsReported() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("master");
      UnknownKeyAliasException e =
          assertThrows(UnknownKeyAliasException.class, () -> keys.masterKey("other"));
      assertEquals("other", e.alias());
      assertThrows(UnknownKeyAliasException.class, () -> keys.masterKey(CurrentKeyMarker.ALIAS));
      assertThrows(UnknownKeyAliasException.class, () -> keys.retire("other"));
      assertThrows(UnknownKeyAliasException.class, () -> keys.setCurrent("other"));
    }
  }

  /**
   * The alias a file's header names is read before anything can authenticate it; shown raw, a line
   * break in it would forge a line in the log of any program that logs the exception.
   */
  @Test
  void anUnknownAliasCannotForgeALogLineThroughTheExceptionMessage() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("master");
      String alias = "x\n2030-01-01 INFO key master retired by admin\u2028";
      UnknownKeyAliasException e =
          assertThrows(UnknownKeyAliasException.class, () -> keys.masterKey(alias));
      assertEquals(
          "no secret key with alias 'x\\n2030-01-01 INFO key master retired by admin\\u2028' in "
              + file,
          e.getMessage());
      assertEquals(alias, e.alias());
    }
  }

  @Test
  void missingFileIsNoSuchFile() throws IOException {
    assertThrows(NoSuchFileException.class, () -> Fixtures.open(file, audit.log()));
    assertEquals(List.of("KEYSTORE_OPEN_FAILED"), audit.kinds());
  }

  @Test
  void createRefusesToOverwrite() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("master");
    }
    byte[] before = Files.readAllBytes(file);
    assertThrows(FileAlreadyExistsException.class, () -> Fixtures.create(file, audit.log()));
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void passwordsTheJdkCannotUseAreRefusedUpFront() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Pkcs12KeyStore.create(file, new char[0], audit.log(), Fixtures.FAST));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pkcs12KeyStore.create(file, "caf\u00e9".toCharArray(), audit.log(), Fixtures.FAST));
    assertTrue(e.getMessage().contains("printable ASCII"), e.getMessage());
    assertFalse(Files.exists(file));
  }

  @Test
  void aliasesAreValidatedAndNeverOverwritten() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      SecretKey first = keys.generateKey("master");
      assertThrows(IllegalArgumentException.class, () -> keys.generateKey("master"));
      assertThrows(IllegalArgumentException.class, () -> keys.generateKey("Master"));
      assertThrows(IllegalArgumentException.class, () -> keys.generateKey("a:b"));
      assertThrows(IllegalArgumentException.class, () -> keys.generateKey(""));
      assertThrows(IllegalArgumentException.class, () -> keys.generateKey(CurrentKeyMarker.ALIAS));
      assertArrayEquals(first.getEncoded(), keys.masterKey("MASTER").getEncoded());
    }
  }

  @Test
  void keysListCreationDatesAndTheCurrentKey() throws IOException {
    Instant before = Instant.now().minusMillis(1);
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("first");
      keys.generateKey("second");
      Instant after = Instant.now().plusMillis(1);
      List<KeyInfo> infos = keys.keys();
      assertEquals(List.of("first", "second"), aliasesOf(infos));
      for (KeyInfo info : infos) {
        assertTrue(
            info.created().isAfter(before) && info.created().isBefore(after), info::toString);
      }
      assertTrue(infos.get(0).current());
      assertFalse(infos.get(1).current());
    }
  }

  @Test
  void rotationMakesANewCurrentKeyAndKeepsTheOldOnes() throws IOException {
    byte[] original;
    String first;
    String second;
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      original = keys.generateKey("master").getEncoded();
      first = keys.rotate();
      second = keys.rotate();
      assertTrue(first.matches("master-\\d{8}-\\d{6}(-\\d+)?"), first);
      assertNotEquals(first, second);
      assertEquals(Optional.of(second), keys.currentAlias());
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
      assertEquals(Set.of("master", first, second), keys.aliases());
      assertEquals(Optional.of(second), keys.currentAlias());
      assertArrayEquals(original, keys.masterKey("master").getEncoded());
      assertFalse(Arrays.equals(original, keys.masterKey(first).getEncoded()));
    }
  }

  @Test
  void setCurrentPersists() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("first");
      keys.generateKey("second");
      assertEquals(Optional.of("first"), keys.currentAlias());
      keys.setCurrent("second");
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
      assertEquals(Optional.of("second"), keys.currentAlias());
    }
  }

  @Test
  void retireRefusesTheCurrentKeyAndDeletesOthers() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("old");
      String rotated = keys.rotate();
      assertThrows(IllegalStateException.class, () -> keys.retire(rotated));
      keys.retire("old");
      assertEquals(Set.of(rotated), keys.aliases());
      assertThrows(UnknownKeyAliasException.class, () -> keys.masterKey("old"));
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
      assertEquals(1, keys.aliases().size());
      assertThrows(IllegalStateException.class, () -> keys.retire(keys.currentAlias().get()));
    }
  }

  @Test
  void aWriterWithAStaleViewIsRefusedAndChangesNothing() throws IOException {
    Fixtures.create(file, audit.log()).close();
    try (Pkcs12KeyStore first = Fixtures.open(file, audit.log());
        Pkcs12KeyStore stale = Fixtures.open(file, audit.log())) {
      String rotated = first.rotate();
      FileSystemException e =
          assertThrows(FileSystemException.class, () -> stale.generateKey("other"));
      assertEquals(file.toString(), e.getFile());
      assertTrue(e.getReason().contains("changed by someone else"), e.getReason());
      assertEquals(Set.of(), stale.aliases());
      try (Pkcs12KeyStore reopened = Fixtures.open(file, audit.log())) {
        assertEquals(Set.of(rotated), reopened.aliases());
      }
    }
  }

  @Test
  void writesLeaveNoTemporaryFiles() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("master");
      keys.rotate();
      keys.retire("master");
    }
    try (Stream<Path> listing = Files.list(file.getParent())) {
      assertEquals(List.of(file), listing.collect(Collectors.toList()));
    }
  }

  @Test
  void masterKeyIsLoadedOnceAndSharedAcrossThreads() throws Exception {
    try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
      keys.generateKey("master");
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<SecretKey>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return keys.masterKey("master");
                }));
      }
      start.countDown();
      SecretKey first = results.get(0).get();
      for (Future<SecretKey> result : results) {
        assertSame(first, result.get());
      }
      pool.shutdown();
      assertEquals(1, audit.kinds().stream().filter("KEY_LOADED"::equals).count());
    }
  }

  @Test
  void closeForgetsEverything() throws IOException {
    Pkcs12KeyStore keys = Fixtures.create(file, audit.log());
    keys.generateKey("master");
    keys.close();
    keys.close();
    assertThrows(IllegalStateException.class, () -> keys.masterKey("master"));
    assertThrows(IllegalStateException.class, keys::aliases);
    assertFalse(keys.toString().contains(Fixtures.PASSWORD));
  }

  @Test
  void aLoneUnmarkedKeyIsCurrentAndStaysSoWhenASecondArrives() throws Exception {
    Pkcs12Codec codec = new Pkcs12Codec(Fixtures.FAST, new SecureRandom());
    KeyStore plain = codec.empty();
    KeyGenerator generator = KeyGenerator.getInstance("AES");
    generator.init(256);
    plain.setEntry(
        "solo", new KeyStore.SecretKeyEntry(generator.generateKey()), codec.protection(password()));
    Files.createDirectories(file.getParent());
    Files.write(file, codec.store(plain, password(), "test").bytes());

    try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
      assertEquals(Optional.of("solo"), keys.currentAlias());
      keys.generateKey("later");
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
      assertEquals(Optional.of("solo"), keys.currentAlias());
    }
  }

  @Test
  void aKeyThatIsNotAesIsReportedAsSuch() throws Exception {
    for (String algorithm : List.of("HmacSHA256", "DESede")) {
      Pkcs12Codec codec = new Pkcs12Codec(Fixtures.FAST, new SecureRandom());
      KeyStore plain = codec.empty();
      SecretKey key = KeyGenerator.getInstance(algorithm).generateKey();
      plain.setEntry("master", new KeyStore.SecretKeyEntry(key), codec.protection(password()));
      Files.createDirectories(file.getParent());
      Files.write(file, codec.store(plain, password(), "test").bytes());

      try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
        IOException e = assertThrows(IOException.class, () -> keys.masterKey("master"));
        assertEquals(
            "key master in keystore "
                + file.toAbsolutePath()
                + " is "
                + algorithm
                + ", not AES: encryptedfs master keys must be AES keys",
            e.getMessage());
      }
      assertEquals("KEY_LOAD_FAILED", audit.kinds().get(audit.kinds().size() - 1));
    }
  }

  private static List<String> aliasesOf(List<KeyInfo> infos) {
    return infos.stream().map(KeyInfo::alias).collect(Collectors.toList());
  }

  /**
   * A null argument is named at once: a null file failed inside the JDK's path code, and {@code
   * masterKeyForNewFile(null)} read the keystore file again before it failed.
   */
  @Test
  void nullArgumentsAreNamedAtOnce() throws IOException {
    AuditLog log = audit.log();
    assertNamed("file", () -> Pkcs12KeyStore.create(null, password()));
    assertNamed("file", () -> Pkcs12KeyStore.create(null, password(), log));
    assertNamed("password", () -> Pkcs12KeyStore.create(file, null, log));
    assertNamed("audit", () -> Pkcs12KeyStore.create(file, password(), null));
    assertNamed("file", () -> Pkcs12KeyStore.open(null, password()));
    assertNamed("file", () -> Pkcs12KeyStore.open(null, password(), log));
    assertNamed("password", () -> Pkcs12KeyStore.open(file, null, log));
    assertNamed("audit", () -> Pkcs12KeyStore.open(file, password(), null));
    assertFalse(Files.exists(file), "nothing made");
    try (Pkcs12KeyStore keys = Fixtures.create(file, log)) {
      keys.generateKey("master");
      assertNamed("alias", () -> keys.generateKey(null));
      assertNamed("alias", () -> keys.setCurrent(null));
      assertNamed("alias", () -> keys.retire(null));
      assertNamed("alias", () -> keys.masterKey(null));
      assertNamed("alias", () -> keys.masterKeyForNewFile(null));
      assertNamed("alias", () -> Pkcs12KeyStore.storedAlias(null));
      assertNamed("alias", () -> Pkcs12KeyStore.requireValidAlias(null));
    }
  }

  private static void assertNamed(String parameter, Executable call) {
    assertEquals(parameter, assertThrows(NullPointerException.class, call).getMessage());
  }
}
