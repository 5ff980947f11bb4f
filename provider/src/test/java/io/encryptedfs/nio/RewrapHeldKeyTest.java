package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.testing.CachedKeys;
import io.encryptedfs.testing.InMemoryKeys;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A file already under the key its path should use, whose key another program then removed from the
 * keystore (or removed and made anew under its alias), opens here only because this program still
 * holds the old key in memory: no other program, and this one once reopened, can open it. {@code
 * rewrapAll} counted it {@code unchanged}, so {@code encryptedfs rewrap} said all was well; now it
 * is {@code failed()}, naming the file and the alias.
 */
class RewrapHeldKeyTest {
  @Test
  void aFileWhoseKeyTheKeysNoLongerHoldFails() throws Exception {
    KeyRotation.RewrapReport report = rewrapAfterTheKeyIsRetired(false);
    assertEquals(0, report.unchanged(), report.toString());
    assertEquals(2, report.failed().size(), report.toString());
    assertTrue(report.failed().get(0).startsWith("/.encryptedfs: "), report.toString());
    assertTrue(report.failed().get(1).startsWith("/a: "), report.toString());
    for (String failure : report.failed()) {
      assertTrue(failure.contains("no secret key with alias 'master'"), failure);
    }
  }

  @Test
  void aFileWhoseKeyWasMadeAnewUnderItsAliasFails() throws Exception {
    KeyRotation.RewrapReport report = rewrapAfterTheKeyIsRetired(true);
    assertEquals(0, report.unchanged(), report.toString());
    assertEquals(2, report.failed().size(), report.toString());
    assertTrue(report.failed().get(1).startsWith("/a: "), report.toString());
    for (String failure : report.failed()) {
      assertTrue(failure.contains("master key 'master' does not unwrap"), failure);
    }
  }

  @Test
  void aFileWhoseKeyIsStillHeldIsUnchanged() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      CachedKeys keys =
          new CachedKeys(new InMemoryKeys("master").current(() -> Optional.of("master")));
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(jimfs.getPath("/root"), env(keys))) {
        Files.writeString(fs.getPath("/a"), "a");
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
        assertEquals(2, report.unchanged(), report.toString());
        assertEquals(List.of(), report.failed(), report.toString());
      }
    }
  }

  /**
   * Writes /a under "master"; has another program remove that key from the keys (and make one anew
   * under its alias if {@code remade}), while this one still holds the old key; rewraps.
   */
  private static KeyRotation.RewrapReport rewrapAfterTheKeyIsRetired(boolean remade)
      throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      InMemoryKeys stored = new InMemoryKeys("master").current(() -> Optional.of("master"));
      CachedKeys keys = new CachedKeys(stored);
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(jimfs.getPath("/root"), env(keys))) {
        // Forced, so that the file system's close owes it no force, which would need the key.
        try (FileChannel ch =
            FileChannel.open(
                fs.getPath("/a"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(new byte[] {'a'}));
          ch.force(true);
        }
        stored.remove("master");
        if (remade) {
          stored.add("master");
        }
        assertEquals("a", Files.readString(fs.getPath("/a")), "opens from the key held");
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
        assertEquals(0, report.rewrapped(), report.toString());
        assertEquals(List.of(), report.skipped(), report.toString());
        return report;
      }
    }
  }

  private static Map<String, Object> env(KeyProvider keys) {
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, keys);
    env.put(EncryptedFileSystems.KEY_ALIAS, "master");
    env.put(EncryptedFileSystems.CREATE, "true");
    return env;
  }
}
