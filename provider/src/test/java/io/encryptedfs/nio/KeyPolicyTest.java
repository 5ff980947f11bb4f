package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.channel.HeaderInspector;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** key.policy: per-subtree master keys for new files, and rewrapping existing files to match. */
class KeyPolicyTest {
  @TempDir Path tmp;

  @Test
  void theMostSpecificMatchingRuleWins() {
    KeyPolicy policy =
        KeyPolicy.parse(" /**/*.log=logs ; /pii/**=pii;/pii/archive/**=archive;;/pii/*.csv=csv");
    assertEquals("pii", policy.aliasFor("/pii/a"));
    assertEquals("pii", policy.aliasFor("/pii/deep/er/a"));
    assertEquals("archive", policy.aliasFor("/pii/archive/2024/x"));
    assertEquals("pii", policy.aliasFor("/pii/x.log"), "literal prefix /pii/ beats /");
    assertEquals("csv", policy.aliasFor("/pii/x.csv"), "same prefix: the longer glob");
    assertEquals("logs", policy.aliasFor("/var/x.log"));
    assertNull(policy.aliasFor("/other"));
    assertNull(KeyPolicy.parse("").aliasFor("/pii/a"));
  }

  @Test
  void malformedRulesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> KeyPolicy.parse("/pii/**"));
    assertThrows(IllegalArgumentException.class, () -> KeyPolicy.parse("pii/**=k"));
    assertThrows(IllegalArgumentException.class, () -> KeyPolicy.parse("/pii/**="));
  }

  /** It was the JDK's message, three lines long, saying nothing of key.policy. */
  @Test
  void aBadGlobIsRefusedOnOneLineNamingTheSettingAndTheRule() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KeyPolicy.parse("/ok/**=k; /[a = master"));
    assertEquals(
        "'key.policy' glob '/[a' in rule '/[a = master' is not a valid glob: Missing '] at index"
            + " 2",
        e.getMessage());
  }

  /**
   * A policy's alias is looked up as {@code key.alias} is, by the keystore, which folds case: it
   * took {@code key.alias=MASTER} and refused {@code /**=MASTER} as no such key.
   */
  @Test
  void aPolicyAliasNamesTheKeystoresKeyInAnyCaseAsKeyAliasDoes() throws Exception {
    Map<String, Object> env = KeystoreRoots.newKeystoreAndRootEnv(tmp);
    env.put(EncryptedFileSystems.KEY_POLICY, "/**=MASTER");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env)) {
      Files.writeString(fs.getPath("/f"), "x");
      assertEquals("x", Files.readString(fs.getPath("/f")));
      // Headers name the key as the keystore lists it, so reports find it (they said "MASTER" is
      // missing and "master" unused).
      assertEquals(Map.of("master", List.of("/.encryptedfs", "/f")), KeyRotation.usage(fs));
    }
    env.remove(EncryptedFileSystems.KEY_POLICY);
    env.put(EncryptedFileSystems.KEY_ALIAS, "Master");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env)) {
      Files.writeString(fs.getPath("/g"), "y");
      assertEquals(Map.of("master", List.of("/.encryptedfs", "/f", "/g")), KeyRotation.usage(fs));
      assertEquals("master", EncryptedFileSystems.info(fs).keyAlias());
    }
    env.remove(EncryptedFileSystems.KEY_ALIAS);
    env.put(EncryptedFileSystems.KEY_POLICY, "/**=nope");
    UnknownKeyAliasException e =
        assertThrows(
            UnknownKeyAliasException.class,
            () -> EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env));
    assertEquals("nope", e.alias());
    assertTrue(e.getMessage().contains("'key.policy'"), e.getMessage());
  }

  @Test
  void newFilesUseThePolicyKeyAndOthersTheDefault() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master", "pii-key", "wal-key");
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_POLICY, "/pii/**=pii-key;/wal/**=wal-key");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.createDirectories(fs.getPath("/pii/deep"));
      Files.createDirectories(fs.getPath("/wal"));
      Files.writeString(fs.getPath("/pii/deep/a"), "ssn");
      Files.writeString(fs.getPath("/wal/0001"), "log");
      Files.writeString(fs.getPath("/plain-ish"), "x");
      assertEquals("ssn", Files.readString(fs.getPath("/pii/deep/a")));
    }
    assertEquals("pii-key", alias(dir.resolve("pii/deep/a"), keys));
    assertEquals("wal-key", alias(dir.resolve("wal/0001"), keys));
    assertEquals("master", alias(dir.resolve("plain-ish"), keys));
    assertEquals("master", alias(dir.resolve(".encryptedfs"), keys));
  }

  /**
   * The marker is made as any new file at its path: a rewrap, which moves every file to the key its
   * path gets, has nothing to move, and the default key is not kept in use by the marker alone.
   */
  @Test
  void aNewRootsMarkerUsesTheKeyThePolicyGivesItsPath() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master", "a");
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_POLICY, "/**=a");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/f"), "x");
      assertEquals(Map.of("a", List.of("/.encryptedfs", "/f")), KeyRotation.usage(fs));
      assertEquals(List.of(), KeyRotation.users(fs, "master"), "nothing holds the default key");
      assertEquals("a", KeyRotation.describe(fs).markerKey());
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
      assertEquals(0, report.rewrapped(), "every file already has its path's key");
      assertEquals(2, report.unchanged());
    }
    assertEquals("a", alias(dir.resolve(".encryptedfs"), keys));
  }

  @Test
  void aPolicyNamingAnUnknownKeyIsRefusedAtOpen() {
    Map<String, Object> env = TestRoots.env(new InMemoryKeys("master"), "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_POLICY, "/pii/**=nope");
    UnknownKeyAliasException e =
        assertThrows(
            UnknownKeyAliasException.class,
            () -> EncryptedFileSystems.newFileSystem(tmp.resolve("r"), env));
    assertEquals("nope", e.alias());
    assertTrue(e.getMessage().contains("'key.policy'"), e.getMessage());
  }

  @Test
  void rewrapAllBringsExistingFilesInLineWithANewPolicyAndSkipsPlainFiles() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master", "pii-key");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.createDirectories(fs.getPath("/pii"));
      Files.write(fs.getPath("/pii/big"), new byte[100_000]);
      Files.writeString(fs.getPath("/other"), "o");
    }
    Files.writeString(dir.resolve("stray.txt"), "not encrypted");
    byte[] contentBefore = Files.readAllBytes(dir.resolve("pii/big"));
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_POLICY, "/pii/**=pii-key");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      assertEquals(
          Map.of("master", List.of("/.encryptedfs", "/other", "/pii/big")), KeyRotation.usage(fs));
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
      assertEquals(1, report.rewrapped());
      assertEquals(2, report.unchanged());
      assertEquals(List.of("/stray.txt: not an encrypted file"), report.skipped());
      assertEquals(List.of(), report.failed());
      assertEquals(
          Map.of("master", List.of("/.encryptedfs", "/other"), "pii-key", List.of("/pii/big")),
          KeyRotation.usage(fs));
      assertEquals(0, KeyRotation.rewrapAll(fs, e -> {}).rewrapped(), "a rerun has nothing to do");
      assertEquals(100_000, Files.readAllBytes(fs.getPath("/pii/big")).length);
    }
    byte[] contentAfter = Files.readAllBytes(dir.resolve("pii/big"));
    // Only the two header slots changed: every tail slot and home block is byte for byte the same.
    assertEquals(contentBefore.length, contentAfter.length);
    assertTrue(
        java.util.Arrays.equals(
            contentBefore, 512, contentBefore.length, contentAfter, 512, contentAfter.length));
  }

  private static String alias(Path raw, InMemoryKeys keys) throws Exception {
    HeaderInspector.Header header = HeaderInspector.inspect(raw, keys);
    assertEquals(HeaderInspector.Status.OK, header.status());
    return header.keyAlias();
  }
}
