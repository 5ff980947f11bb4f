package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.AuditLog;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TempTrees;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root copied with hard links ({@code cp -al live snap}, a quick snapshot on the same disk), then
 * opened as a root of its own: every file of the copy, its marker included, is a name of the live
 * root's file. A rewrap writes headers in place, so a rewrap in the copy rewrapped the live root's
 * files too, under a key the live root's keystore may not hold (a copy of the keystore, or one the
 * copy took with it, which a rotation there replaces): the live root then no longer opened. A
 * retire in the copy scanned the copy's files alone, so it retired a key the live root's files
 * written since the copy still used. Both are refused now for the files with names outside the
 * root; opening, reading and writing either root are not.
 */
class HardLinkedCopyTest {
  private static final char[] PASSWORD = "correct horse battery".toCharArray();

  @TempDir Path tmp;

  @Test
  void aRewrapInTheCopyLeavesTheLiveRootsFilesAlone() throws IOException {
    InMemoryKeys liveKeys = new InMemoryKeys("master");
    // The copy's keystore: the live one's key, and one added there that the live root never sees.
    InMemoryKeys copyKeys =
        new InMemoryKeys().add("master", liveKeys.masterKey("master")).add("rotated");
    Path live = tmp.resolve("live");
    Path snap = tmp.resolve("snap");
    try (FileSystem fs = TestRoots.open(live, liveKeys, "AES-256-GCM", 4096)) {
      Files.createDirectories(fs.getPath("/d"));
      Files.writeString(fs.getPath("/a"), "alpha");
      Files.writeString(fs.getPath("/d/b"), "beta");
      copyWithHardLinks(live, snap);
      Files.writeString(fs.getPath("/fresh"), "fresh");
      try (FileSystem copy = EncryptedFileSystems.newFileSystem(snap, rotatedEnv(copyKeys))) {
        Files.writeString(copy.getPath("/own"), "the copy's own");
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(copy, e -> {});
        assertEquals(0, report.rewrapped(), report.toString());
        assertEquals(1, report.unchanged(), report.toString());
        assertEquals(3, report.failed().size(), report.toString());
        for (String path : List.of("/.encryptedfs", "/a", "/d/b")) {
          assertTrue(
              report.failed().stream()
                  .anyMatch(
                      f ->
                          f.startsWith(path + ": has 2 hard links, 1 outside this root")
                              && f.contains("cp -al")
                              && f.contains("not rewrapped")),
              report.toString());
        }
        assertEquals("alpha", Files.readString(copy.getPath("/a")), "the copy still reads");
        assertEquals("alpha", Files.readString(fs.getPath("/a")));
      }
    }
    try (FileSystem fs = TestRoots.open(live, liveKeys, "AES-256-GCM", 4096)) {
      assertEquals("alpha", Files.readString(fs.getPath("/a")));
      assertEquals("beta", Files.readString(fs.getPath("/d/b")));
      assertEquals("fresh", Files.readString(fs.getPath("/fresh")));
      assertEquals(
          Map.of("master", List.of("/.encryptedfs", "/a", "/d/b", "/fresh")),
          KeyRotation.usage(fs));
    }

    // A copy without hard links (cp -a) is a root of its own, and rewraps as one.
    Path plain = tmp.resolve("plain");
    copyWithoutLinks(live, plain);
    try (FileSystem copy = EncryptedFileSystems.newFileSystem(plain, rotatedEnv(copyKeys))) {
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(copy, e -> {});
      assertEquals(4, report.rewrapped(), report.toString());
      assertEquals(List.of(), report.failed());
    }
    try (FileSystem fs = TestRoots.open(live, liveKeys, "AES-256-GCM", 4096)) {
      assertEquals("fresh", Files.readString(fs.getPath("/fresh")));
      assertEquals(Set.of("master"), KeyRotation.usage(fs).keySet());
    }
  }

  /**
   * A key that only files the live root wrote after the copy use (made current by a rotation after
   * the copy, and rotated away from since): the copy's scan finds no user of it.
   */
  @Test
  void aRetireInTheCopyIsRefusedUntilTheLinksAreGone() throws Exception {
    Path keystore = tmp.resolve("keys.p12");
    Path live = tmp.resolve("live");
    Path snap = tmp.resolve("snap");
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(keystore, PASSWORD, AuditLog.systemLogger())) {
      keys.generateKey("master");
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(live, keystoreEnv(keys))) {
        Files.writeString(fs.getPath("/a"), "alpha");
        copyWithHardLinks(live, snap);
        String between = KeyRotation.rotate(fs);
        Files.writeString(fs.getPath("/fresh"), "written after the copy");
        String current = KeyRotation.rotate(fs);
        try (FileSystem copy = EncryptedFileSystems.newFileSystem(snap, keystoreEnv(keys))) {
          assertEquals(List.of(), KeyRotation.users(copy, between));
          FileSystemException refused =
              assertThrows(FileSystemException.class, () -> KeyRotation.retire(copy, between));
          assertEquals("/.encryptedfs", refused.getFile());
          assertTrue(
              refused.getMessage().contains("has 2 hard links, 1 outside this root"),
              refused.getMessage());
          assertTrue(refused.getMessage().contains("cp -al"), refused.getMessage());
          assertTrue(refused.getMessage().contains("not retired"), refused.getMessage());
          assertEquals("alpha", Files.readString(copy.getPath("/a")), "the copy still reads");
        }
        assertTrue(keys.aliases().contains(between), "not retired");
        assertEquals("written after the copy", Files.readString(fs.getPath("/fresh")));

        // Once the copy is gone, the live root rotates as ever.
        TempTrees.delete(snap);
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
        assertEquals(3, report.rewrapped(), report.toString());
        KeyRotation.retire(fs, between);
        assertEquals(Set.of("master", current), keys.aliases());
      }
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(live, keystoreEnv(keys))) {
        assertEquals("alpha", Files.readString(fs.getPath("/a")));
        assertEquals("written after the copy", Files.readString(fs.getPath("/fresh")));
      }
    }
  }

  private static Map<String, Object> rotatedEnv(InMemoryKeys keys) {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, "rotated");
    return env;
  }

  static Map<String, Object> keystoreEnv(Pkcs12KeyStore keys) {
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, keys);
    env.put(EncryptedFileSystems.CREATE, "true");
    return env;
  }

  /** {@code cp -al from to}: directories made, every file a hard link. */
  static void copyWithHardLinks(Path from, Path to) throws IOException {
    copy(from, to, true);
  }

  /** {@code cp -a from to}. */
  private static void copyWithoutLinks(Path from, Path to) throws IOException {
    copy(from, to, false);
  }

  private static void copy(Path from, Path to, boolean link) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (link) {
          Files.createLink(target, p);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
