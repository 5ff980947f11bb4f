package io.encryptedfs.nio;

import static io.encryptedfs.nio.HardLinkedCopyTest.copyWithHardLinks;
import static io.encryptedfs.nio.HardLinkedCopyTest.keystoreEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyInUseException;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KeyRotation#retire(List, String)}: a root and its copy made with hard links ({@code cp
 * -al}) retire together, each seeing the files the other wrote since the copy, while a name outside
 * them all (a third root's, or a nested root's counted once though two walks list it) still keeps
 * the key.
 */
class RetireAcrossRootsTest {
  private static final char[] PASSWORD = "correct horse battery".toCharArray();

  @TempDir Path tmp;

  /**
   * The key made current between the copy and a later rotation is used only by a file the live root
   * wrote after the copy: the two roots' retire lists it, and retires the key once it is rewrapped.
   */
  @Test
  void bothRootsRetireAKeyOnceTheFilesEitherWroteAreRewrapped() throws Exception {
    Path live = tmp.resolve("live");
    Path snap = tmp.resolve("snap");
    try (Pkcs12KeyStore keys = keystore()) {
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(live, keystoreEnv(keys))) {
        Files.writeString(fs.getPath("/a"), "alpha");
        copyWithHardLinks(live, snap);
        String between = KeyRotation.rotate(fs);
        Files.writeString(fs.getPath("/fresh"), "written after the copy");
        String current = KeyRotation.rotate(fs);
        try (FileSystem copy = EncryptedFileSystems.newFileSystem(snap, keystoreEnv(keys))) {
          KeyInUseException used =
              assertThrows(
                  KeyInUseException.class, () -> KeyRotation.retire(List.of(copy, fs), between));
          String fresh = fs.getPath("/fresh").toUri().toString();
          assertTrue(used.getMessage().contains(fresh), used.getMessage());

          KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
          assertEquals(1, report.rewrapped(), "/fresh, not the shared files: " + report);
          KeyRotation.retire(List.of(copy, fs), between);
          assertEquals(Set.of("master", current), keys.aliases());
          assertEquals("alpha", Files.readString(copy.getPath("/a")));
        }
        assertEquals("written after the copy", Files.readString(fs.getPath("/fresh")));
      }
    }
  }

  /**
   * A nested root's file with a name outside both roots: the outer root's walk and the nested
   * root's both list its name in the nested root, which must count once, else the name outside
   * would go unseen.
   */
  @Test
  void aNameListedByTwoRootsCountsOnce() throws Exception {
    Path outerDir = tmp.resolve("outer");
    try (Pkcs12KeyStore keys = keystore();
        FileSystem outer = EncryptedFileSystems.newFileSystem(outerDir, keystoreEnv(keys))) {
      Files.createDirectories(outer.getPath("/inner"));
      try (FileSystem inner =
          EncryptedFileSystems.newFileSystem(outerDir.resolve("inner"), keystoreEnv(keys))) {
        Files.writeString(inner.getPath("/x"), "inner x");
        Files.createLink(tmp.resolve("elsewhere"), outerDir.resolve("inner").resolve("x"));
        keys.generateKey("spare");
        FileSystemException refused =
            assertThrows(
                FileSystemException.class,
                () -> KeyRotation.retire(List.of(outer, inner), "spare"));
        assertEquals(outer.getPath("/inner/x").toUri().toString(), refused.getFile());
        assertTrue(
            refused.getMessage().contains("has 2 hard links, 1 outside the roots given"),
            refused.getMessage());
        assertTrue(keys.aliases().contains("spare"), "not retired");

        Files.delete(tmp.resolve("elsewhere"));
        KeyRotation.retire(List.of(outer, inner), "spare");
        assertEquals(Set.of("master"), keys.aliases());
      }
    }
  }

  @Test
  void noRootIsRefused() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> KeyRotation.retire(List.of(), "master"));
  }

  private Pkcs12KeyStore keystore() throws IOException {
    Pkcs12KeyStore keys =
        Pkcs12KeyStore.create(tmp.resolve("keys.p12"), PASSWORD, AuditLog.systemLogger());
    keys.generateKey("master");
    return keys;
  }
}
