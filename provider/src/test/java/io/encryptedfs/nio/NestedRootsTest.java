package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A root inside another root keeps its own keys: the outer root's rewrap stops at its directory and
 * says so, while the outer root's usage and retire still count its files, so that retiring a key
 * the inner root uses is refused; its own usage leaves them out, as the rewrap does. Only a regular
 * file makes a nested root.
 */
class NestedRootsTest {
  @Test
  void onJimfs() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      rewrapStopsAtANestedRootAndRetireStillCountsIt(jimfs.getPath("/outer"));
      onlyARegularFileMakesANestedRoot(jimfs.getPath("/other"));
    }
  }

  @Test
  void onTheDisk(@TempDir Path tmp) throws IOException {
    rewrapStopsAtANestedRootAndRetireStillCountsIt(tmp.resolve("outer"));
    onlyARegularFileMakesANestedRoot(tmp.resolve("other"));
  }

  private static void rewrapStopsAtANestedRootAndRetireStillCountsIt(Path outerDir)
      throws IOException {
    // One key provider, as two roots sharing a keystore: the outer root can unwrap the inner
    // root's files, so nothing but the nesting check keeps it from rewrapping them.
    InMemoryKeys keys = new InMemoryKeys("shared", "outer-new");
    Path innerDir = outerDir.resolve("d").resolve("inner");
    try (FileSystem outer = open(outerDir, keys, "shared")) {
      Files.createDirectories(outer.getPath("/d/inner"));
      Files.writeString(outer.getPath("/d/a"), "outer a");
      try (FileSystem inner = open(innerDir, keys, "shared")) {
        Files.createDirectories(inner.getPath("/sub"));
        Files.writeString(inner.getPath("/sub/x"), "inner x");
      }
    }
    try (FileSystem outer = open(outerDir, keys, "outer-new")) {
      List<String> events = new ArrayList<>();
      KeyRotation.RewrapReport report =
          KeyRotation.rewrapAll(outer, e -> events.add(e.path() + " " + e.outcome()));
      String nested =
          "/d/inner: an encrypted root of its own, not rewrapped"
              + " (rewrap it through its own file system)";
      assertEquals(List.of(nested), report.skipped());
      assertEquals(List.of(), report.failed());
      assertEquals(2, report.rewrapped(), "the marker and /d/a: " + report);
      assertEquals(
          List.of(
              "/.encryptedfs rewrapped to outer-new",
              "/d/a rewrapped to outer-new",
              "/d/inner skipped: an encrypted root of its own, not rewrapped"
                  + " (rewrap it through its own file system)"),
          events);
      // The inner root's files still count for the keys they name, so retiring one is refused.
      assertEquals(
          Map.of(
              "outer-new",
              List.of("/.encryptedfs", "/d/a"),
              "shared",
              List.of("/d/inner/.encryptedfs", "/d/inner/sub/x")),
          KeyRotation.usage(outer));
      assertEquals(
          List.of("/d/inner/.encryptedfs", "/d/inner/sub/x"), KeyRotation.users(outer, "shared"));
      // The outer root's own files are those its rewrap rewraps; the inner root is named.
      assertEquals(
          new KeyRotation.OwnUsage(
              Map.of("outer-new", List.of("/.encryptedfs", "/d/a")), List.of("/d/inner")),
          KeyRotation.ownUsage(outer));
      assertEquals(List.of("/d/inner"), KeyRotation.nestedRoots(outer));
    }
    // Its own file system, whose keys hold only the key it uses, still reads every file of it.
    Map<String, Object> innerEnv = TestRoots.env(keys, "AES-256-GCM", 4096);
    innerEnv.put(EncryptedFileSystems.KEY_PROVIDER, new OnlyKey(keys, "shared"));
    innerEnv.put(EncryptedFileSystems.KEY_ALIAS, "shared");
    try (FileSystem inner = EncryptedFileSystems.newFileSystem(innerDir, innerEnv)) {
      assertEquals("inner x", Files.readString(inner.getPath("/sub/x")));
      assertEquals(Map.of("shared", List.of("/.encryptedfs", "/sub/x")), KeyRotation.usage(inner));
    }
  }

  /**
   * A directory or a symbolic link named as a root marker (made on the underlying path, as the file
   * system refuses the name) does not make its directory a nested root, even a link to a real
   * marker: the rewrap enters it and rewraps its files. A real nested root still stops it.
   */
  private static void onlyARegularFileMakesANestedRoot(Path outerDir) throws IOException {
    InMemoryKeys keys = new InMemoryKeys("shared", "outer-new");
    try (FileSystem outer = open(outerDir, keys, "shared")) {
      for (String d : List.of("/dir", "/link", "/dangling")) {
        Files.writeString(Files.createDirectory(outer.getPath(d)).resolve("f"), d);
      }
      Files.createDirectory(outer.getPath("/inner"));
      open(outerDir.resolve("inner"), keys, "shared").close();
    }
    String marker = EncryptedFileSystem.MARKER;
    Files.createDirectory(outerDir.resolve("dir").resolve(marker));
    Files.createSymbolicLink(
        outerDir.resolve("link").resolve(marker), outerDir.getFileSystem().getPath("../" + marker));
    Files.createSymbolicLink(
        outerDir.resolve("dangling").resolve(marker), outerDir.getFileSystem().getPath("none"));
    try (FileSystem outer = open(outerDir, keys, "outer-new")) {
      assertEquals(List.of("/inner"), KeyRotation.nestedRoots(outer));
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(outer, e -> {});
      assertEquals(
          List.of(
              "/dangling/.encryptedfs: not a regular file",
              "/inner: an encrypted root of its own, not rewrapped"
                  + " (rewrap it through its own file system)",
              "/link/.encryptedfs: not a regular file"),
          report.skipped());
      assertEquals(List.of(), report.failed());
      assertEquals(
          Map.of("outer-new", List.of("/.encryptedfs", "/dangling/f", "/dir/f", "/link/f")),
          KeyRotation.ownUsage(outer).files());
    }
  }

  /** One key of another provider, as a keystore holding only the inner root's key. */
  private record OnlyKey(KeyProvider keys, String alias) implements KeyProvider {
    @Override
    public SecretKey masterKey(String name) throws IOException {
      if (!name.equals(alias)) {
        throw new UnknownKeyAliasException("only " + alias, name);
      }
      return keys.masterKey(name);
    }

    @Override
    public Set<String> aliases() {
      return Set.of(alias);
    }

    @Override
    public void close() {}
  }

  private static FileSystem open(Path dir, InMemoryKeys keys, String alias) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, alias);
    return EncryptedFileSystems.newFileSystem(dir, env);
  }
}
