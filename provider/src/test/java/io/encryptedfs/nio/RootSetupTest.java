package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.*;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.NotAnEncryptedFileException;
import io.encryptedfs.NotAnEncryptedRootException;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening roots: refusal of wrong keys and plain directories, leaving the disk unchanged. */
class RootSetupTest {
  @TempDir Path tmp;

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p) + ":" + (Files.isRegularFile(p) ? sizeOf(p) : -1))
          .sorted()
          .toList();
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void plainDirectoryIsRefusedWithoutCreate() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plain"));
    Map<String, Object> env = TestRoots.env(new InMemoryKeys("master"), "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    assertThrows(
        NotAnEncryptedRootException.class, () -> EncryptedFileSystems.newFileSystem(dir, env));
    assertEquals(List.of(":-1"), listing(dir));
  }

  @Test
  void anotherKeyUnderTheSameAliasIsRefusedAndNothingChanges() throws Exception {
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a.txt"), "secret");
    }
    List<String> before = listing(dir);
    assertThrows(
        KeyMismatchException.class,
        () -> TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096));
    assertEquals(before, listing(dir));
  }

  @Test
  void unknownAliasIsRefused() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master", "other");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a.txt"), "secret");
    }
    Map<String, Object> env = TestRoots.env(new InMemoryKeys("other"), "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, "other");
    UnknownKeyAliasException e =
        assertThrows(
            UnknownKeyAliasException.class, () -> EncryptedFileSystems.newFileSystem(dir, env));
    assertEquals("master", e.alias());
  }

  @Test
  void filesKeepTheirOwnKeyAfterTheAliasForNewFilesChanges() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master", "next");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/old.txt"), "under master");
    }
    Map<String, Object> env = TestRoots.env(keys, "CHACHA20-POLY1305", 16384);
    env.put(EncryptedFileSystems.KEY_ALIAS, "next");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/new.txt"), "under next");
      assertEquals("under master", Files.readString(fs.getPath("/old.txt")));
      assertEquals("under next", Files.readString(fs.getPath("/new.txt")));
      assertEquals("next", fs.getFileStores().iterator().next().getAttribute("encrypted:keyAlias"));
    }
  }

  @Test
  void aPlainFileInTheRootIsReportedNotRead() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(dir.resolve("dropped.txt"), "plain text someone copied in");
      NotAnEncryptedFileException e =
          assertThrows(
              NotAnEncryptedFileException.class,
              () -> Files.readAllBytes(fs.getPath("/dropped.txt")));
      assertTrue(e.getMessage().contains("/dropped.txt"), e.getMessage());
    }
  }

  /**
   * {@code create} makes a missing directory, its parents too, and initialises a directory that
   * already holds plain files without touching them: they stay in cleartext and are reported, not
   * read (README, "Configuration keys").
   */
  @Test
  void createMakesMissingDirectoriesAndLeavesPlainFilesAsTheyAre() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path fresh = tmp.resolve("a/b/root");
    try (FileSystem fs = TestRoots.open(fresh, keys, "AES-256-GCM", 4096)) {
      assertTrue(Files.isDirectory(fresh));
    }
    Path existing = Files.createDirectories(tmp.resolve("existing"));
    Files.writeString(existing.resolve("data.txt"), "existing plain data");
    try (FileSystem fs = TestRoots.open(existing, keys, "AES-256-GCM", 4096)) {
      assertThrows(
          NotAnEncryptedFileException.class, () -> Files.readString(fs.getPath("/data.txt")));
    }
    assertEquals("existing plain data", Files.readString(existing.resolve("data.txt")));
  }

  @Test
  void oneFileSystemPerRoot() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertThrows(
          FileSystemAlreadyExistsException.class,
          () -> TestRoots.open(dir, keys, "AES-256-GCM", 4096));
      assertSame(fs, java.nio.file.FileSystems.getFileSystem(EncryptedFileSystems.uriOf(dir)));
    }
    try (FileSystem again = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertTrue(again.isOpen());
    }
  }

  @Test
  void operationsOnAClosedFileSystemThrow() throws Exception {
    FileSystem fs =
        TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
    Path p = fs.getPath("/a");
    fs.close();
    assertThrows(java.nio.file.ClosedFileSystemException.class, () -> Files.exists(p));
    assertThrows(java.nio.file.ClosedFileSystemException.class, () -> Files.writeString(p, "x"));
  }

  /**
   * A crash in a root's first opening, between creating its marker and writing the marker's header,
   * leaves an empty raw marker. That root never opened, so nothing in it needs the marker: with
   * {@code create} the next opening makes it again, as it would make a missing one, rather than
   * failing on it at every start until someone deletes it on the underlying disk.
   */
  @Test
  void aMarkerWhoseCreationWasInterruptedIsMadeAgainWithCreate() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("root"));
    Files.write(dir.resolve(".encryptedfs"), new byte[0]);
    InMemoryKeys keys = new InMemoryKeys("master");
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    DamagedFileException refused =
        assertThrows(
            DamagedFileException.class, () -> EncryptedFileSystems.newFileSystem(dir, env));
    assertEquals(dir.resolve(".encryptedfs").toString(), refused.path());
    assertEquals(List.of(".encryptedfs:0", ":-1"), listing(dir), "changed nothing");

    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a.txt"), "after the crash");
    }
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      assertEquals("after the crash", Files.readString(fs.getPath("/a.txt")));
    }
  }

  /**
   * A root is its own marker's: a directory whose marker is a symbolic link to another root's would
   * open with that root's keys and then act on the other root's marker as its own (a key rotation
   * would rewrap it under a key only this root's keystore holds), while the other root's walks take
   * the directory for a plain one and enter it. It is refused, with or without {@code create}, and
   * neither root changes.
   */
  @Test
  void aMarkerThatIsASymbolicLinkIsRefused() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path real = tmp.resolve("real");
    try (FileSystem fs = TestRoots.open(real, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a.txt"), "kept");
    }
    Path linked = Files.createDirectories(tmp.resolve("linked"));
    Files.createSymbolicLink(linked.resolve(".encryptedfs"), real.resolve(".encryptedfs"));
    List<String> before = listing(real);
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    for (boolean create : new boolean[] {true, false}) {
      env.put(EncryptedFileSystems.CREATE, create);
      FileSystemException e =
          assertThrows(
              FileSystemException.class, () -> EncryptedFileSystems.newFileSystem(linked, env));
      assertEquals(linked.resolve(".encryptedfs").toString(), e.getFile());
      assertTrue(e.getReason().contains("symbolic link"), e.getReason());
    }
    assertTrue(Files.isSymbolicLink(linked.resolve(".encryptedfs")));
    assertEquals(before, listing(real));
    try (FileSystem fs = TestRoots.open(real, keys, "AES-256-GCM", 4096)) {
      assertEquals("kept", Files.readString(fs.getPath("/a.txt")));
    }
  }
}
