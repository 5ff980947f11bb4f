package io.encryptedfs.nio;

import static io.encryptedfs.nio.KeystoreRoots.newKeystoreAndRootEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.keystore.WrongPasswordException;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two file systems that each open one keystore file, as two programs would: a rotation, rewrap and
 * retirement made through one must not leave the other wrapping new files under the retired key.
 */
class KeyRotationFollowTest {

  @TempDir Path tmp;

  @Test
  void aNestedRootFollowsARotationAndRetirementMadeThroughItsParent() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path dir = tmp.resolve("root");
    try (FileSystem a = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.createDirectories(a.getPath("/sub"));
      // Closing B forces its files, which needs the key they were rewrapped to: it must succeed.
      try (FileSystem b = EncryptedFileSystems.newFileSystem(dir.resolve("sub"), env)) {
        Files.writeString(b.getPath("/old"), "old");

        String rotated = KeyRotation.rotate(a);
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(a, e -> {});
        assertEquals(List.of(), report.failed());
        // A's rewrap does not enter B, whose keys are its own; A's retire still counts B's files.
        assertEquals(1, report.skipped().size(), report.toString());
        assertTrue(report.skipped().get(0).startsWith("/sub: an encrypted root of its own"));
        assertEquals(List.of("/sub/.encryptedfs", "/sub/old"), KeyRotation.users(a, "master"));
        assertEquals(List.of(), KeyRotation.rewrapAll(b, e -> {}).failed());
        KeyRotation.retire(a, "master");

        Files.writeString(b.getPath("/new"), "acknowledged");
        Map<String, List<String>> usage = KeyRotation.usage(a);
        assertFalse(usage.containsKey("master"), usage::toString);
        assertEquals(
            List.of("/.encryptedfs", "/sub/.encryptedfs", "/sub/new", "/sub/old"),
            usage.get(rotated));
        assertEquals(
            rotated, b.getFileStores().iterator().next().getAttribute("encrypted:keyAlias"));
        assertEquals("old", Files.readString(b.getPath("/old")));
      }
    }
    env.remove(EncryptedFileSystems.CREATE);
    try (FileSystem reopened = EncryptedFileSystems.newFileSystem(dir.resolve("sub"), env)) {
      assertEquals("acknowledged", Files.readString(reopened.getPath("/new")));
      assertEquals("old", Files.readString(reopened.getPath("/old")));
    }
  }

  /**
   * A root whose {@code key.alias} pins a key that another program then retires: its next new file
   * is refused, naming the path, rather than wrapped under the key it still has in memory and that
   * no program could read it with again.
   */
  @Test
  void aRootThatPinsAKeyRetiredElsewhereRefusesNewFilesUnderIt() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Map<String, Object> pinned = new HashMap<>(env);
    pinned.put(EncryptedFileSystems.KEY_ALIAS, "master");
    // Side by side, so that A's retire does not count B's marker, which names the pinned key.
    try (FileSystem a = EncryptedFileSystems.newFileSystem(tmp.resolve("a"), env)) {
      try (FileSystem b = EncryptedFileSystems.newFileSystem(tmp.resolve("b"), pinned)) {
        KeyRotation.rotate(a);
        KeyRotation.rewrapAll(a, e -> {});
        KeyRotation.retire(a, "master");
        UnknownKeyAliasException e =
            assertThrows(
                UnknownKeyAliasException.class,
                () -> Files.writeString(b.getPath("/new"), "never acknowledged"));
        assertTrue(e.getMessage().contains("/new"), e.getMessage());
        assertFalse(Files.exists(b.getPath("/new")));
      }
    }
  }

  /**
   * The key for a new file is found before its underlying file is made: a keystore that cannot be
   * read again (here replaced by one under another password) refuses the creation, leaves no file,
   * and holds up no later open of that name.
   */
  @Test
  void aNewFileWhoseKeyCannotBeFoundLeavesNothingAndBlocksNoOtherOpen() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path dir = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Path other = tmp.resolve("other.p12");
      try (Pkcs12KeyStore keys =
          Pkcs12KeyStore.create(other, "another password".toCharArray(), AuditLog.systemLogger())) {
        keys.generateKey("master");
      }
      Files.move(other, tmp.resolve("keys.p12"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      for (int attempt = 0; attempt < 2; attempt++) {
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                assertThrows(
                    WrongPasswordException.class,
                    () -> Files.writeString(fs.getPath("/new"), "never acknowledged")));
        assertFalse(Files.exists(dir.resolve("new")));
      }
    }
  }

  /** As above, for a rewrap by that root, which must not rewrap its files back to the key. */
  @Test
  void aRootThatPinsAKeyRetiredElsewhereDoesNotRewrapToIt() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Map<String, Object> pinned = new HashMap<>(env);
    pinned.put(EncryptedFileSystems.KEY_ALIAS, "master");
    Path dir = tmp.resolve("root");
    Path sub = dir.resolve("sub");
    try (FileSystem a = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.createDirectories(a.getPath("/sub"));
      // B's files are rewrapped to the new key through B's own root, before B pins the old one.
      try (FileSystem following = EncryptedFileSystems.newFileSystem(sub, env)) {
        Files.writeString(following.getPath("/old"), "old");
        Files.writeString(following.getPath("/x"), "x");
        KeyRotation.rotate(a);
        assertEquals(3, KeyRotation.rewrapAll(following, e -> {}).rewrapped());
      }
      try (FileSystem b = EncryptedFileSystems.newFileSystem(sub, pinned)) {
        // B now holds both keys in memory, and has read the keystore since the rotation.
        assertEquals("old", Files.readString(b.getPath("/old")));
        KeyRotation.rewrapAll(a, e -> {});
        KeyRotation.retire(a, "master");

        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(b, e -> {});
        assertEquals(0, report.rewrapped(), report.toString());
        assertEquals(3, report.failed().size(), report.toString());
        assertFalse(KeyRotation.usage(a).containsKey("master"), KeyRotation.usage(a)::toString);
      }
    }
  }

  /** Only an open that creates a file asks for the current key, which may cost a keystore stat. */
  @Test
  void opensOfExistingFilesDoNotAskForTheCurrentKey() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    InMemoryKeys keys = new InMemoryKeys("k1");
    KeyProvider counting =
        new KeyProvider() {
          @Override
          public SecretKey masterKey(String alias) throws IOException {
            return keys.masterKey(alias);
          }

          @Override
          public Set<String> aliases() {
            return keys.aliases();
          }

          @Override
          public Optional<String> currentAlias() {
            asked.incrementAndGet();
            return Optional.of("k1");
          }

          @Override
          public void close() {}
        };
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, counting);
    env.put(EncryptedFileSystems.CREATE, "true");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env)) {
      Files.writeString(fs.getPath("/f"), "content");
      assertTrue(asked.get() > 0, "a new file asks");
      asked.set(0);
      for (int i = 0; i < 3; i++) {
        assertEquals("content", Files.readString(fs.getPath("/f")));
        Files.writeString(fs.getPath("/f"), "content");
      }
      assertEquals(0, asked.get());
    }
  }

  /**
   * A new file's wrapping key, which may cost a re-read and re-authentication of a changed
   * keystore, is had before its underlying file exists: another program that opens the new file
   * meanwhile waits for a missing header only so long. Before, the lookup ran after the underlying
   * file was made.
   */
  @Test
  void theKeyForANewFileIsHadBeforeItsUnderlyingFileIsMade() throws Exception {
    Path dir = tmp.resolve("root");
    List<Boolean> rawFileThere = new java.util.ArrayList<>();
    InMemoryKeys keys = new InMemoryKeys("k1");
    KeyProvider watching =
        new KeyProvider() {
          @Override
          public SecretKey masterKey(String alias) throws IOException {
            return keys.masterKey(alias);
          }

          @Override
          public SecretKey masterKeyForNewFile(String alias) throws IOException {
            rawFileThere.add(Files.exists(dir.resolve("new")));
            return keys.masterKey(alias);
          }

          @Override
          public Set<String> aliases() {
            return keys.aliases();
          }

          @Override
          public Optional<String> currentAlias() {
            return Optional.of("k1");
          }

          @Override
          public void close() {}
        };
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, watching);
    env.put(EncryptedFileSystems.CREATE, "true");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      rawFileThere.clear(); // the root marker's creation
      Files.writeString(fs.getPath("/new"), "content");
      assertEquals(List.of(false), rawFileThere);
      assertEquals("content", Files.readString(fs.getPath("/new")));
    }
  }
}
