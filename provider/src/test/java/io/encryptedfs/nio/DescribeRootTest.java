package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.CachedKeys;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyRotation#describe} of a root whose marker's key another program retired, or replaced
 * under its alias, since the file system opened: a key error naming the marker and the alias, as an
 * open of any file under that key gives, not damage (which `encryptedfs info` reported, exit 1, for
 * a root nothing had damaged).
 */
class DescribeRootTest {
  @Test
  void aMarkerWhoseKeyIsGoneIsAKeyErrorNotDamage() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "marker");
    try (FileSystem disk = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs = open(disk.getPath("/root"), keys)) {
      assertEquals("marker", KeyRotation.describe(fs).markerKey());
      keys.remove("marker");
      UnknownKeyAliasException e =
          assertThrows(UnknownKeyAliasException.class, () -> KeyRotation.describe(fs));
      assertEquals("marker", e.alias());
      assertTrue(e.getMessage().contains("/.encryptedfs"), e.getMessage());
    }
  }

  @Test
  void aMarkerWhoseAliasHoldsAnotherKeyIsAKeyMismatch() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "marker");
    try (FileSystem disk = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs = open(disk.getPath("/root"), keys)) {
      keys.remove("marker").add("marker", new SecretKeySpec(new byte[32], "AES"));
      KeyMismatchException e =
          assertThrows(KeyMismatchException.class, () -> KeyRotation.describe(fs));
      assertEquals("marker", e.alias());
      assertTrue(e.getMessage().startsWith("/.encryptedfs: "), e.getMessage());
    }
  }

  /**
   * Keys that answer from memory a key once loaded, as a keystore does: another program retired the
   * marker's key and made one anew under its alias, and a marker under the new key is in place. An
   * open of a file under it asks the keys again; describe called it a key mismatch.
   */
  @Test
  void aMarkerUnderAKeyMadeAnewElsewhereIsDescribed() throws Exception {
    InMemoryKeys stored = new InMemoryKeys("master", "marker");
    try (FileSystem disk = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs = open(disk.getPath("/root"), new CachedKeys(stored))) {
      assertEquals("marker", KeyRotation.describe(fs).markerKey());
      stored.remove("marker").add("marker");
      open(disk.getPath("/elsewhere"), stored).close();
      Files.copy(
          disk.getPath("/elsewhere/.encryptedfs"),
          disk.getPath("/root/.encryptedfs"),
          StandardCopyOption.REPLACE_EXISTING);

      assertEquals("marker", KeyRotation.describe(fs).markerKey());
    }
  }

  /** A root whose marker (a new file at /.encryptedfs) is made under the key "marker". */
  private static FileSystem open(Path dir, KeyProvider keys) throws Exception {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_POLICY, "/.encryptedfs=marker");
    return EncryptedFileSystems.newFileSystem(dir, env);
  }
}
