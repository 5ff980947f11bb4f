package io.encryptedfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alias read from a file's header (or a keystore, which {@code keytool} fills with any alias)
 * and a file name read from a directory are text from outside: shown as they are in an exception
 * message, a line break in them forges a line in whatever log the message reaches. They are shown
 * escaped, as {@code UnknownKeyAliasException} shows an alias; the accessors keep them as they are.
 */
class AliasInMessagesTest {
  private static final String FORGING = "evil\n2030-01-01 INFO all keys verified\u202e";
  private static final String SHOWN = "evil\\n2030-01-01 INFO all keys verified\\u202e";

  @TempDir Path tmp;

  /** A file made under one key and read with another of the same alias, the header's. */
  @Test
  void keyMismatchShowsTheHeadersAliasEscaped() throws Exception {
    Path dir = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env(new InMemoryKeys(FORGING)))) {
      Files.writeString(fs.getPath("/a.txt"), "data");
    }
    KeyMismatchException e =
        assertThrows(
            KeyMismatchException.class,
            () -> EncryptedFileSystems.newFileSystem(dir, env(new InMemoryKeys(FORGING))));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains("\u202e"), e.getMessage());
    assertTrue(e.getMessage().contains("master key '" + SHOWN + "' does not"), e.getMessage());
    assertEquals(FORGING, e.alias());
  }

  private static Map<String, Object> env(InMemoryKeys keys) {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, FORGING);
    return env;
  }

  @Test
  void keyInUseShowsTheAliasAndTheFileNamesEscaped() {
    List<String> files = List.of("/ok", "/x\nERROR forged");
    KeyInUseException e = new KeyInUseException(FORGING, files);
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().startsWith("key '" + SHOWN + "' is still used by 2"), e.getMessage());
    assertTrue(e.getMessage().endsWith(": /ok, /x\\nERROR forged"), e.getMessage());
    assertEquals(FORGING, e.alias());
    assertEquals(files, e.files());
  }
}
