package io.encryptedfs.nio;

import static io.encryptedfs.nio.KeystoreRoots.newKeystoreAndRootEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keystore that another program deleted (or is replacing, not in place) while a file system
 * follows it: the {@code NoSuchFileException} naming it was taken, by the key usage scan and the
 * rewrap, for the file they were at gone, so {@code users} left out a file under a key this program
 * had not loaded yet (a {@code retire} once the keystore was back would have deleted a key that
 * file needs), and {@code rewrapAll} listed every file as deleted meanwhile, failing none. A
 * creation threw it too, as if its directory were missing.
 */
class KeystoreGoneTest {
  @TempDir Path tmp;

  @Test
  void aMissingKeystoreFailsWhatNeedsAKeyInsteadOfPassingForAFileGone() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path keystore = tmp.resolve("keys.p12");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/a"), "a");
      // Another program rotates and writes a file under the new key, which lands in this root
      // (as its rewrap of this root would leave it): this program has not loaded that key.
      String rotated;
      try (FileSystem other = EncryptedFileSystems.newFileSystem(tmp.resolve("other"), env)) {
        rotated = KeyRotation.rotate(other);
        Files.writeString(other.getPath("/b"), "b");
      }
      Files.move(tmp.resolve("other/b"), dir.resolve("b"));
      Path away = Files.move(keystore, tmp.resolve("away.p12"));

      IOException users = assertThrows(IOException.class, () -> KeyRotation.users(fs, rotated));
      assertFalse(users instanceof FileSystemException, users::toString);
      assertTrue(users.getMessage().contains(keystore.toString()), users.getMessage());

      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
      assertEquals(List.of(), report.skipped(), report.toString());
      assertEquals(3, report.failed().size(), report.toString());

      IOException created =
          assertThrows(IOException.class, () -> Files.writeString(fs.getPath("/c"), "c"));
      assertFalse(created instanceof FileSystemException, created::toString);

      Files.move(away, keystore);
      assertEquals(List.of("/b"), KeyRotation.users(fs, rotated));
      assertEquals("b", Files.readString(fs.getPath("/b")));
    }
  }
}
