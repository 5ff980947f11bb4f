package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.NotAnEncryptedRootException;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which paths {@code FileSystems.newFileSystem(path, env)} opens as a root ({@link
 * RootRecognition}). On the module path this provider is asked before the zip file system, and a
 * zip's {@code create} made a new {@code .zip} an encrypted root; here the JDK's loop over the
 * installed providers is run with that order.
 */
class RootRecognitionTest {
  @TempDir Path tmp;

  private static FileSystemProvider provider(String scheme) {
    return FileSystemProvider.installedProviders().stream()
        .filter(p -> p.getScheme().equals(scheme))
        .findFirst()
        .orElseThrow();
  }

  /** As {@code FileSystems.newFileSystem(Path, Map)}: the first provider that recognizes it. */
  private static FileSystem firstThatOpens(
      List<FileSystemProvider> providers, Path path, Map<String, ?> env) throws IOException {
    for (FileSystemProvider p : providers) {
      try {
        return p.newFileSystem(path, env);
      } catch (UnsupportedOperationException notItsType) {
        // the next one
      }
    }
    throw new AssertionError("no provider opened " + path);
  }

  @Test
  void aNewZipIsTheZipFileSystemsWhenEncryptedfsIsAskedFirst() throws IOException {
    Path zip = tmp.resolve("new.zip");
    List<FileSystemProvider> modulePathOrder = List.of(provider("encrypted"), provider("jar"));
    try (FileSystem fs = firstThatOpens(modulePathOrder, zip, Map.of("create", "true"))) {
      assertEquals("jar", fs.provider().getScheme());
      Files.writeString(fs.getPath("/hello.txt"), "hi");
    }
    assertTrue(Files.isRegularFile(zip), "a zip file, not a root's directory");
  }

  @Test
  void aMissingPathIsARootWhereASettingOfOursSaysSo() throws IOException {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master");
    Map<String, Object> env =
        Map.of(EncryptedFileSystems.CREATE, true, EncryptedFileSystems.KEY_PROVIDER, keys);
    try (FileSystem fs = provider("encrypted").newFileSystem(dir, env)) {
      assertEquals("encrypted", fs.provider().getScheme());
    }
    assertTrue(Files.isDirectory(dir));
    // Once it exists, no setting but the keys is needed to open it.
    try (FileSystem fs =
        provider("encrypted").newFileSystem(dir, Map.of(EncryptedFileSystems.KEY_PROVIDER, keys))) {
      assertEquals("encrypted", fs.provider().getScheme());
    }
  }

  @Test
  void aMissingPathWithOnlyCreateIsNotRecognizedButTheApiStillCreatesIt() throws IOException {
    Path dir = tmp.resolve("root");
    UnsupportedOperationException refused =
        assertThrows(
            UnsupportedOperationException.class,
            () -> provider("encrypted").newFileSystem(dir, Map.of("create", "true")));
    assertTrue(refused.getMessage().contains(dir.toString()), refused.getMessage());
    assertTrue(Files.notExists(dir));
    // EncryptedFileSystems names this provider and makes no such look: it reaches the keys.
    IllegalArgumentException noKeys =
        assertThrows(
            IllegalArgumentException.class,
            () -> EncryptedFileSystems.newFileSystem(dir, Map.of("create", "true")));
    assertTrue(noKeys.getMessage().contains("keystore"), noKeys.getMessage());
  }

  @Test
  void aRegularFileIsNeverARoot() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThrows(
        UnsupportedOperationException.class,
        () -> provider("encrypted").newFileSystem(file, Map.of("create", "true")));
  }

  /**
   * The API names this provider, so no other is tried: a regular file is a path that is no root, a
   * checked exception naming it, before the keys are read, as a directory that is no root is. It
   * was the provider probe's UnsupportedOperationException, which the command-line tool reported as
   * an I/O error.
   */
  @Test
  void theApiRefusesARegularFileAsNoRootNamingIt() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    InMemoryKeys keys = new InMemoryKeys("master");
    for (boolean create : new boolean[] {false, true}) {
      Map<String, Object> env =
          Map.of(EncryptedFileSystems.CREATE, create, EncryptedFileSystems.KEY_PROVIDER, keys);
      NotAnEncryptedRootException refused =
          assertThrows(
              NotAnEncryptedRootException.class,
              () -> EncryptedFileSystems.newFileSystem(file, env));
      assertEquals(file.toString(), refused.getFile());
      assertEquals(
          file + ": not an encrypted root: not a directory (a root is a directory)",
          refused.getMessage());
    }
    assertEquals("x", Files.readString(file), "left as it was");
    try (Stream<Path> entries = Files.list(tmp)) {
      assertEquals(List.of(file), entries.toList(), "nothing made beside it");
    }
    // Without keys too: the path is looked at first.
    assertThrows(
        NotAnEncryptedRootException.class,
        () -> EncryptedFileSystems.newFileSystem(file, Map.of("create", "true")));
  }
}
