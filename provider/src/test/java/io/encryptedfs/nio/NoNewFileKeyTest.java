package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keystore that names no usable key for new files (several keys and none marked current, or a
 * current-key marker naming a key it no longer holds) still opens an existing root: each file's
 * header names the key it was made under, so reading, listing and verifying go on, and each
 * creation fails as the open used to, naming its path, with nothing made. Before, the open itself
 * failed, so a root could not even be verified or exported without repairing the keystore first (a
 * second helper session's probe: the command-line verify, info and decrypt refused to run).
 */
class NoNewFileKeyTest {
  @TempDir Path tmp;

  private static Map<String, Object> env(KeyProvider keys, boolean create) {
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, keys);
    env.put(EncryptedFileSystems.CREATE, Boolean.toString(create));
    return env;
  }

  /** A root made under the only key there was, {@code master}, holding /f. */
  private Path rootWithAFile(InMemoryKeys keys) throws IOException {
    Path root = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(keys, true))) {
      Files.writeString(fs.getPath("/f"), "kept");
    }
    return root;
  }

  @Test
  void severalKeysNoneCurrentReadsAndRefusesEachCreation() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path root = rootWithAFile(keys);
    keys.add("other");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(keys, false))) {
      assertReadsAndRefusesCreation(fs, root, "set 'key.alias'");
      IOException alias =
          assertThrows(
              IOException.class,
              () -> fs.getFileStores().iterator().next().getAttribute("encrypted:keyAlias"));
      assertTrue(alias.getMessage().contains("no key for new files"), alias.getMessage());
    }
    IllegalArgumentException creating =
        assertThrows(
            IllegalArgumentException.class,
            () -> EncryptedFileSystems.newFileSystem(root, env(keys, true)).close());
    assertTrue(creating.getMessage().contains("set 'key.alias'"), "an open that may create");
    Map<String, Object> named = env(keys, false);
    named.put(EncryptedFileSystems.KEY_ALIAS, "other");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, named)) {
      Files.writeString(fs.getPath("/g"), "new");
      assertEquals("new", Files.readString(fs.getPath("/g")));
    }
  }

  @Test
  void aMarkerNamingAMissingKeyReadsAndRefusesEachCreation() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path root = rootWithAFile(keys);
    keys.current(
        () -> {
          throw new UnknownKeyAliasException("the test's marker", "deleted");
        });
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env(keys, false))) {
      assertReadsAndRefusesCreation(fs, root, "'deleted'");
    }
  }

  /** Reads /f, lists the root, and refuses to create /g, leaving no /g on disk. */
  private static void assertReadsAndRefusesCreation(FileSystem fs, Path root, String why)
      throws IOException {
    assertEquals("kept", Files.readString(fs.getPath("/f")));
    assertEquals(4, Files.size(fs.getPath("/f")));
    try (Stream<Path> listed = Files.list(fs.getPath("/"))) {
      assertEquals(List.of("f"), listed.map(p -> p.getFileName().toString()).toList());
    }
    IOException e =
        assertThrows(IOException.class, () -> Files.writeString(fs.getPath("/g"), "new"));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    if (e instanceof FileSystemException fse) {
      assertEquals("/g", fse.getFile());
    } else {
      assertTrue(e.getMessage().startsWith("/g: "), "names the file: " + e.getMessage());
    }
    assertFalse(Files.exists(fs.getPath("/g")));
    assertFalse(Files.exists(root.resolve("g")), "nothing made on disk");
  }
}
