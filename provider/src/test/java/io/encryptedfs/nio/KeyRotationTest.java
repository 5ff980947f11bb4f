package io.encryptedfs.nio;

import static io.encryptedfs.nio.KeystoreRoots.PASSWORD;
import static io.encryptedfs.nio.KeystoreRoots.newKeystoreAndRootEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyInUseException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation, rewrap, usage and retirement on a root backed by a real keystore, and the audit events
 * the file system records. Few tests: each keystore write costs about a second by design.
 */
class KeyRotationTest {

  @TempDir Path tmp;

  /**
   * A null argument is refused before the walk begins: the marker was rewrapped to the new key
   * before the null progress failed on it, leaving the root half rewrapped.
   */
  @Test
  void rewrapAllRefusesNullArgumentsBeforeRewrappingAnything() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "next");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a"), "alpha");
    }
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, "next");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Map<String, List<String>> before = KeyRotation.usage(fs);
      assertEquals(Map.of("master", List.of("/.encryptedfs", "/a")), before);
      NullPointerException progress =
          assertThrows(NullPointerException.class, () -> KeyRotation.rewrapAll(fs, null));
      assertEquals("progress", progress.getMessage());
      NullPointerException leaveOut =
          assertThrows(NullPointerException.class, () -> KeyRotation.rewrapAll(fs, null, e -> {}));
      assertEquals("leaveOut", leaveOut.getMessage());
      NullPointerException noFs =
          assertThrows(NullPointerException.class, () -> KeyRotation.rewrapAll(null, e -> {}));
      assertEquals("fs", noFs.getMessage());
      assertEquals(before, KeyRotation.usage(fs), "nothing rewrapped");
    }
  }

  @Test
  void rotateRewrapRetireAndAuditFailures() throws Exception {
    Path keystore = tmp.resolve("keys.p12");
    Path auditFile = tmp.resolve("audit.jsonl");
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    env.put(EncryptedFileSystems.AUDIT_FILE, auditFile.toString());
    Path dir = tmp.resolve("root");
    String rotated;
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.createDirectories(fs.getPath("/d"));
      Files.writeString(fs.getPath("/a"), "alpha");
      Files.writeString(fs.getPath("/d/b"), "beta");
      assertEquals(
          "master", fs.getFileStores().iterator().next().getAttribute("encrypted:keyAlias"));
      rotated = KeyRotation.rotate(fs);
      assertEquals(
          rotated,
          fs.getFileStores().iterator().next().getAttribute("encrypted:keyAlias"),
          "the file store names the key new files get, after a rotation too");
      // The current key is looked up per new file: no reopen needed.
      Files.write(fs.getPath("/c"), new byte[10_000]);
      assertEquals(
          Map.of("master", List.of("/.encryptedfs", "/a", "/d/b"), rotated, List.of("/c")),
          KeyRotation.usage(fs));

      KeyInUseException inUse =
          assertThrows(KeyInUseException.class, () -> KeyRotation.retire(fs, "master"));
      assertEquals(List.of("/.encryptedfs", "/a", "/d/b"), inUse.files());
      // The keystore folds case, so MASTER is the same key and just as much in use.
      for (String sameKey : List.of("MASTER", "Master")) {
        KeyInUseException folded =
            assertThrows(KeyInUseException.class, () -> KeyRotation.retire(fs, sameKey));
        assertEquals(List.of("/.encryptedfs", "/a", "/d/b"), folded.files());
        assertEquals("master", folded.alias());
      }
      assertEquals(List.of("/.encryptedfs", "/a", "/d/b"), KeyRotation.users(fs, "MASTER"));

      // A channel open during the rewrap shares the rewrapped header.
      try (FileChannel open =
          FileChannel.open(fs.getPath("/a"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
        assertEquals(3, report.rewrapped());
        assertEquals(1, report.unchanged());
        open.write(java.nio.ByteBuffer.wrap("A".getBytes()), 0);
        open.force(true);
      }
      assertEquals(
          Map.of(rotated, List.of("/.encryptedfs", "/a", "/c", "/d/b")), KeyRotation.usage(fs));
      KeyRotation.retire(fs, "master");
    }
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, PASSWORD, AuditLog.systemLogger())) {
      assertEquals(java.util.Set.of(rotated), keys.aliases());
    }

    // A file made with another key under the same alias, and a damaged block.
    InMemoryKeys impostor = new InMemoryKeys(rotated);
    Map<String, Object> impostorEnv = TestRoots.env(impostor, "AES-256-GCM", 4096);
    impostorEnv.put(EncryptedFileSystems.KEY_ALIAS, rotated);
    try (FileSystem other =
        EncryptedFileSystems.newFileSystem(tmp.resolve("impostor"), impostorEnv)) {
      Files.writeString(other.getPath("/f"), "foreign");
    }
    Files.copy(tmp.resolve("impostor/f"), dir.resolve("foreign"));
    try (FileChannel raw =
        FileChannel.open(dir.resolve("c"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      // Flip a byte inside home block 0's ciphertext (front region is 512 + 3 * (4096 + 64)).
      // Flipped, not overwritten: a fixed value already there 1 time in 256 damaged nothing.
      long at = 512 + 3 * (4096 + 64) + 100;
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      raw.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x55));
      raw.write(one.rewind(), at);
    }
    env.remove(EncryptedFileSystems.CREATE);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      assertEquals("Alpha", Files.readString(fs.getPath("/a")));
      assertEquals("beta", Files.readString(fs.getPath("/d/b")));
      assertThrows(KeyMismatchException.class, () -> Files.readString(fs.getPath("/foreign")));
      DamagedFileException damaged =
          assertThrows(DamagedFileException.class, () -> Files.readAllBytes(fs.getPath("/c")));
      assertEquals(0, damaged.block());
    }
    List<String> events = Files.readAllLines(auditFile);
    assertTrue(
        events.stream()
            .anyMatch(
                l ->
                    l.contains("\"kind\":\"KEY_UNWRAP_FAILED\"")
                        && l.contains("\"alias\":\"" + rotated + "\"")
                        && l.contains("\"path\":\"/foreign\"")),
        events::toString);
    assertTrue(
        events.stream()
            .anyMatch(
                l ->
                    l.contains("\"kind\":\"CONTENT_AUTHENTICATION_FAILED\"")
                        && l.contains("\"path\":\"/c\"")
                        && l.contains("\"block\":\"0\"")),
        events::toString);
    assertTrue(events.stream().anyMatch(l -> l.contains("\"kind\":\"KEY_ROTATED\"")));
    assertTrue(events.stream().anyMatch(l -> l.contains("\"kind\":\"KEY_RETIRED\"")));
    assertTrue(
        events.stream()
            .anyMatch(
                l ->
                    l.contains("\"kind\":\"FILE_REWRAPPED\"")
                        && l.contains("\"alias\":\"" + rotated + "\"")
                        && l.contains("\"previous\":\"master\"")),
        events::toString);
    assertTrue(events.stream().noneMatch(l -> l.contains(new String(PASSWORD))));
  }

  /**
   * A file whose every tail record is damaged does not open, but its header is authentic: the
   * rewrap rewrites that header alone and reports the damage, and the old key can be retired. The
   * file still reports its damage, not a missing key.
   */
  @Test
  void aFileThatDoesNotOpenIsRewrappedByItsHeaderSoItsKeyCanBeRetired() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path dir = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/ok"), "fine");
      Files.writeString(fs.getPath("/bad"), "its end is lost");
    }
    try (FileChannel raw =
        FileChannel.open(dir.resolve("bad"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      // Flip a sealed byte in each of the three tail slots (after the 512-byte header).
      for (int slot = 0; slot < 3; slot++) {
        long at = 512 + slot * (4096 + 64) + 60;
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
        raw.read(one, at);
        one.put(0, (byte) (one.get(0) ^ 0x01));
        raw.write(one.rewind(), at);
      }
    }
    env.remove(EncryptedFileSystems.CREATE);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      assertThrows(DamagedFileException.class, () -> Files.readString(fs.getPath("/bad")));
      String rotated = KeyRotation.rotate(fs);
      List<String> events = new java.util.ArrayList<>();
      KeyRotation.RewrapReport report =
          KeyRotation.rewrapAll(fs, e -> events.add(e.path() + " " + e.outcome()));
      assertEquals(3, report.rewrapped(), report.toString());
      assertEquals(List.of(), report.failed());
      assertEquals(1, report.damaged().size(), report.toString());
      assertTrue(report.damaged().get(0).startsWith("/bad: "), report.damaged().toString());
      String expected = "/bad rewrapped to " + rotated + "; content damaged: ";
      assertTrue(events.stream().anyMatch(e -> e.startsWith(expected)), events::toString);
      assertEquals(Map.of(rotated, List.of("/.encryptedfs", "/bad", "/ok")), KeyRotation.usage(fs));
      KeyRotation.retire(fs, "master");
      assertEquals("fine", Files.readString(fs.getPath("/ok")));
      assertThrows(DamagedFileException.class, () -> Files.readString(fs.getPath("/bad")));
      KeyRotation.RewrapReport again = KeyRotation.rewrapAll(fs, e -> {});
      assertEquals(0, again.rewrapped());
      assertEquals(1, again.damaged().size(), "the damage is reported again: " + again);
    }
  }

  /**
   * An empty raw file in a root is an encrypted file whose front region is lost (a real one always
   * has it): a rewrap reports it failed, as a file whose header is damaged, with the reason {@code
   * verify} gives, and leaves it as it is. It was skipped as "not an encrypted file", so a rewrap
   * passed where verify reported damage.
   */
  @Test
  void anEmptyRawFileIsReportedDamagedNotSkipped() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "next");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a"), "alpha");
    }
    Files.write(dir.resolve("empty"), new byte[0]);
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, "next");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      String reason =
          assertThrows(DamagedFileException.class, () -> Files.readString(fs.getPath("/empty")))
              .getMessage();
      List<String> events = new java.util.ArrayList<>();
      KeyRotation.RewrapReport report =
          KeyRotation.rewrapAll(fs, e -> events.add(e.path() + " " + e.outcome()));
      assertEquals(List.of(reason), report.failed(), report.toString());
      assertEquals(List.of(), report.skipped());
      assertEquals(2, report.rewrapped(), "the marker and /a: " + report);
      assertTrue(events.contains("/empty failed: " + reason), events::toString);
    }
    assertEquals(0, Files.size(dir.resolve("empty")), "left as it was");
  }

  /**
   * Files a program deletes while a rewrap walks the root are gone, not failures: the walk stopped
   * at the first one with a {@code NoSuchFileException} naming the underlying path, or, for a
   * directory, an {@code UncheckedIOException}.
   */
  @Test
  void filesDeletedWhileARewrapRunsAreSkippedAndTheRestRewrapped() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path dir = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/a"), "alpha");
      Files.writeString(fs.getPath("/b"), "beta");
      Files.createDirectories(fs.getPath("/c"));
      Files.writeString(fs.getPath("/c/d"), "delta");
      Files.writeString(fs.getPath("/e"), "epsilon");
      String rotated = KeyRotation.rotate(fs);
      KeyRotation.RewrapReport report =
          KeyRotation.rewrapAll(
              fs,
              event -> {
                if (event.path().equals("/a")) {
                  try {
                    Files.delete(fs.getPath("/b"));
                    Files.delete(fs.getPath("/c/d"));
                    Files.delete(fs.getPath("/c"));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
              });
      assertEquals(List.of(), report.failed());
      assertEquals(List.of("/b: deleted meanwhile", "/c/d: deleted meanwhile"), report.skipped());
      assertEquals(3, report.rewrapped(), "the marker, /a and /e: " + report);
      assertEquals(
          List.of("/" + EncryptedFileSystem.MARKER, "/a", "/e"), KeyRotation.users(fs, rotated));
      assertEquals("epsilon", Files.readString(fs.getPath("/e")));
    }
  }

  /** Retiring a key this file system's settings name says which setting names it. */
  @Test
  void retireNamesTheSettingThatPinsTheKey() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    env.put(EncryptedFileSystems.KEY_ALIAS, "master");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env)) {
      IllegalStateException pinned =
          assertThrows(IllegalStateException.class, () -> KeyRotation.retire(fs, "MASTER"));
      assertEquals("key 'master' is named by this file system's key.alias", pinned.getMessage());
      assertEquals(List.of("/.encryptedfs"), KeyRotation.users(fs, "master"), "nothing retired");
    }
  }

  /** Every method names a null argument before it looks at the root or the keystore. */
  @Test
  void nullArgumentsAreNamedAtOnce() throws Exception {
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      assertNamed("fs", () -> KeyRotation.rotate(null));
      assertNamed("fs", () -> KeyRotation.usage(null));
      assertNamed("fs", () -> KeyRotation.ownUsage(null));
      assertNamed("fs", () -> KeyRotation.nestedRoots(null));
      assertNamed("fs", () -> KeyRotation.describe(null));
      assertNamed("fs", () -> KeyRotation.retire((FileSystem) null, "master"));
      assertNamed("fs", () -> KeyRotation.users(null, "master"));
      assertNamed("alias", () -> KeyRotation.retire(fs, null));
      assertNamed("alias", () -> KeyRotation.users(fs, null));
      assertNamed("fileSystems", () -> KeyRotation.retire((List<FileSystem>) null, "master"));
    }
  }

  private static void assertNamed(String parameter, Executable call) {
    assertEquals(parameter, assertThrows(NullPointerException.class, call).getMessage());
  }
}
