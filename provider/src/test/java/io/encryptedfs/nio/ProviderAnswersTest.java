package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyProviderException;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers of the keys that the file system cannot use are refused where they are taken, naming the
 * keys and the alias, before anything is made ({@link ProviderAnswers}). Before, an alias longer
 * than a header holds failed with "key alias must be 1 to 128 UTF-8 bytes" from the new marker's
 * header, once the root's directory was made, and a null answer of a key provider with a
 * NullPointerException from deep inside.
 */
class ProviderAnswersTest {
  private static final String LONG = "a".repeat(200);

  @TempDir Path tmp;

  /** A provider holding one key under {@code alias}, answering as told. */
  private record Answering(SecretKey key, Set<String> aliases, Optional<String> current)
      implements KeyProvider {
    @Override
    public SecretKey masterKey(String alias) {
      return key;
    }

    @Override
    public Set<String> aliases() {
      return aliases;
    }

    @Override
    public Optional<String> currentAlias() {
      return current;
    }

    @Override
    public void close() {}
  }

  private static SecretKey aes() {
    return new SecretKeySpec(new byte[32], "AES");
  }

  private Map<String, Object> creating(KeyProvider keys) {
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, keys);
    env.put(EncryptedFileSystems.CREATE, "true");
    return env;
  }

  /** The open fails with the keys' exception, and leaves nothing where the root would be. */
  private KeyProviderException refused(Map<String, Object> env) throws IOException {
    Path root = tmp.resolve("root");
    KeyProviderException e =
        assertThrows(
            KeyProviderException.class, () -> EncryptedFileSystems.newFileSystem(root, env));
    assertFalse(Files.exists(root), "no root directory made: " + e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e;
  }

  @Test
  void aKeytoolKeystoresLongAliasIsRefusedNamingKeystoreAndAliasBeforeTheRootIsMade()
      throws Exception {
    Path keystore = tmp.resolve("keytool.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] password = "correct horse battery".toCharArray();
    ks.setEntry(
        LONG, new KeyStore.SecretKeyEntry(aes()), new KeyStore.PasswordProtection(password));
    try (OutputStream out = Files.newOutputStream(keystore)) {
      ks.store(out, password);
    }
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEYSTORE, keystore.toString());
    env.put(EncryptedFileSystems.KEYSTORE_PASSWORD, new String(password));
    env.put(EncryptedFileSystems.CREATE, "true");
    KeyProviderException e = refused(env);
    assertEquals(LONG, e.alias());
    assertEquals(
        "keystore "
            + keystore.toAbsolutePath()
            + ": key alias '"
            + LONG
            + "' (200 UTF-8 bytes), its current key, cannot be written in a file header, which"
            + " holds 1 to 128 UTF-8 bytes; use a key with a shorter alias for new files",
        e.getMessage());
  }

  @Test
  void longAliasesInTheSettingsAreRefusedNamingTheSetting() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master", LONG);
    Map<String, Object> alias = creating(keys);
    alias.put(EncryptedFileSystems.KEY_ALIAS, LONG);
    KeyProviderException e = refused(alias);
    assertTrue(e.getMessage().contains("named by 'key.alias'"), e.getMessage());
    assertTrue(e.getMessage().contains(InMemoryKeys.class.getName()), e.getMessage());
    Map<String, Object> policy = creating(keys);
    policy.put(EncryptedFileSystems.KEY_ALIAS, "master");
    policy.put(EncryptedFileSystems.KEY_POLICY, "/x/**=" + LONG);
    e = refused(policy);
    assertTrue(e.getMessage().contains("named by 'key.policy'"), e.getMessage());
    assertEquals(LONG, e.alias());
  }

  @Test
  void aProvidersEmptyOrLongCurrentAliasIsRefused() throws IOException {
    for (String current : List.of("", "m".repeat(300), "\u00e9".repeat(65))) {
      KeyProviderException e =
          refused(creating(new Answering(aes(), Set.of(current), Optional.of(current))));
      assertEquals(current, e.alias());
      assertTrue(e.getMessage().contains("its current key"), e.getMessage());
    }
    // 64 two-byte characters are 128 bytes: the longest alias a header holds.
    String longest = "\u00e9".repeat(64);
    try (FileSystem fs =
        EncryptedFileSystems.newFileSystem(
            tmp.resolve("root"),
            creating(new Answering(aes(), Set.of(longest), Optional.of(longest))))) {
      Files.writeString(fs.getPath("/f"), "x");
      assertEquals("x", Files.readString(fs.getPath("/f")));
    }
  }

  @Test
  void nullAnswersAreTheProvidersBrokenContractNamingTheAlias() throws IOException {
    KeyProviderException key =
        refused(creating(new Answering(null, Set.of("m"), Optional.of("m"))));
    assertEquals("m", key.alias());
    assertEquals(
        "key provider "
            + Answering.class.getName()
            + " broke the KeyProvider contract: masterKey('m') returned null",
        key.getMessage());
    KeyProviderException current = refused(creating(new Answering(aes(), Set.of("m"), null)));
    assertTrue(current.getMessage().contains("currentAlias() returned null"), current.getMessage());
    KeyProviderException aliases = refused(creating(new Answering(aes(), null, Optional.empty())));
    assertTrue(aliases.getMessage().contains("aliases() returned null"), aliases.getMessage());
  }

  /**
   * A root made before its keystore's current key got an alias too long for a header still reads,
   * as a root whose keystore names no usable key for new files does ({@link NoNewFileKeyTest}):
   * each creation fails, naming the alias, and makes nothing.
   */
  @Test
  void anExistingRootStillReadsWhenTheCurrentAliasIsTooLong() throws IOException {
    Path root = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(root, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/f"), "kept");
    }
    keys.add(LONG).current(() -> Optional.of(LONG));
    try (FileSystem fs =
        EncryptedFileSystems.newFileSystem(root, Map.of(EncryptedFileSystems.KEY_PROVIDER, keys))) {
      assertEquals("kept", Files.readString(fs.getPath("/f")));
      KeyProviderException e =
          assertThrows(
              KeyProviderException.class, () -> Files.writeString(fs.getPath("/g"), "new"));
      assertEquals(LONG, e.alias());
      assertTrue(e.getMessage().startsWith("/g: key provider "), e.getMessage());
    }
    try (Stream<Path> entries = Files.list(root)) {
      assertEquals(
          List.of(".encryptedfs", "f"),
          entries.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
