package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreFileTest {
  @TempDir Path dir;
  private final FileSystem jimfs = Fixtures.unixFileSystem();
  private final FailingFileSystem failing = new FailingFileSystem(jimfs);
  private final Path onFailing = failing.getPath("/keys/keys.p12");

  @AfterEach
  void tearDown() throws IOException {
    jimfs.close();
  }

  @Test
  void aDirectoryWhereAKeystoreOrPasswordFileShouldBeIsNamed() throws IOException {
    Path directory = Files.createDirectory(dir.resolve("keys.p12"));
    FileSystemException read =
        assertThrows(FileSystemException.class, () -> KeyStoreFile.read(directory));
    assertEquals(directory.toString(), read.getFile());

    IOException opened =
        assertThrows(IOException.class, () -> Fixtures.open(directory, AuditLog.systemLogger()));
    assertTrue(opened.getMessage().contains(directory.toString()), opened.getMessage());

    IOException password =
        assertThrows(IOException.class, () -> PasswordSource.fromFile(directory).read());
    assertTrue(password.getMessage().contains(directory.toString()), password.getMessage());
  }

  @Test
  void aFailedDirectoryForceIsReportedNamingTheDirectory() {
    IOException eio = new IOException("Input/output error");
    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () ->
                KeyStoreFile.forceDirectory(
                    dir,
                    () -> {
                      throw eio;
                    }));
    assertEquals(dir.toString(), e.getFile());
    assertTrue(e.getMessage().contains("may not survive a crash"), e.getMessage());
    assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
  }

  /**
   * Each directory create() makes is a new entry in its parent: unless that parent is forced too, a
   * power loss may take the directory, and the keystore in it, after create() returned.
   */
  @Test
  void createForcesEachDirectoryItMadeInItsParent() throws IOException {
    List<Path> forced = new ArrayList<>();
    Files.createDirectory(jimfs.getPath("/a"));
    Pkcs12KeyStore.create(
            jimfs.getPath("/a/b/c/keys.p12"),
            Fixtures.password(),
            AuditLog.systemLogger(),
            Fixtures.FAST,
            forced::add)
        .close();
    assertEquals(
        List.of(jimfs.getPath("/a/b/c"), jimfs.getPath("/a/b"), jimfs.getPath("/a")), forced);

    forced.clear();
    Pkcs12KeyStore.create(
            jimfs.getPath("/a/b/c/other.p12"),
            Fixtures.password(),
            AuditLog.systemLogger(),
            Fixtures.FAST,
            forced::add)
        .close();
    assertEquals(List.of(jimfs.getPath("/a/b/c")), forced);
  }

  /**
   * The temporary file's name ("." + keystore name + "." + 19 digits + ".tmp") exceeds NAME_MAX for
   * a 240-character keystore name; the JDK's error names that temporary file, which never existed.
   */
  @Test
  void aTemporaryFileThatCannotBeCreatedIsReportedNamingTheKeystoreWhichStaysAsItWas()
      throws IOException {
    Path file = dir.resolve("k".repeat(236) + ".p12");
    try (Pkcs12KeyStore keys = Fixtures.create(dir.resolve("k.p12"), AuditLog.systemLogger())) {
      keys.generateKey("master");
    }
    Files.copy(dir.resolve("k.p12"), file);
    byte[] before = Files.readAllBytes(file);
    try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
      FileSystemException e =
          assertThrows(FileSystemException.class, () -> keys.generateKey("second"));
      assertEquals(file.toString(), e.getFile());
      assertTrue(
          e.getReason()
              .startsWith(
                  "cannot create the temporary file that was to become the keystore, so nothing"
                      + " changed: "),
          e.getReason());
      assertEquals(Set.of("master"), keys.aliases());
    }
    assertArrayEquals(before, Files.readAllBytes(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          Set.of("k.p12", file.getFileName().toString()),
          files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
    }
  }

  /** As root, the suite cannot be denied a directory, so the report is checked on its own. */
  @Test
  void aTemporaryFileThatMayNotBeCreatedStaysAccessDeniedNamingTheKeystore() {
    Path file = dir.resolve("keys.p12");
    String temporary = dir.resolve(".keys.p12.123.tmp").toString();
    FileSystemException e =
        KeyStoreFile.temporaryNotCreated(file, new AccessDeniedException(temporary));
    assertInstanceOf(AccessDeniedException.class, e);
    assertEquals(file.toString(), e.getFile());
    assertEquals(temporary, e.getOtherFile());
    assertEquals(
        "cannot create the temporary file that was to become the keystore, so nothing changed:"
            + " permission denied",
        e.getReason());
    assertInstanceOf(AccessDeniedException.class, e.getCause());
  }

  @Test
  void aFullDeviceIsReportedNamingTheKeystoreWhichStaysAsItWas() throws IOException {
    Configuration oneSpareBlock = Configuration.unix().toBuilder().setMaxSize(2 * 8192).build();
    try (FileSystem small = Jimfs.newFileSystem(oneSpareBlock)) {
      Path file = small.getPath("/keys/keys.p12");
      try (Pkcs12KeyStore keys = Fixtures.create(file, AuditLog.systemLogger())) {
        keys.generateKey("first");
        Path filler = Files.write(small.getPath("/filler"), new byte[1]);
        byte[] before = Files.readAllBytes(file);

        FileSystemException e =
            assertThrows(FileSystemException.class, () -> keys.generateKey("second"));
        assertEquals(file.toString(), e.getFile());
        assertTrue(e.getMessage().contains("out of disk space"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing changed"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> listing = Files.list(file.getParent())) {
          assertEquals(List.of(file), listing.collect(Collectors.toList()));
        }

        Files.delete(filler);
        keys.generateKey("second");
      }
      try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
        assertEquals(Set.of("first", "second"), keys.aliases());
      }
    }
  }

  /**
   * A write that died before its rename left its temporary file, a whole copy of the keystore as it
   * was: a key retired since stayed on disk in it for good. The next write removes such files, and
   * only those.
   */
  @Test
  void aWriteRemovesTheCopiesThatEarlierWritesLeftBehind() throws IOException {
    Path file = dir.resolve("keys.p12");
    try (Pkcs12KeyStore keys = Fixtures.create(file, AuditLog.systemLogger())) {
      keys.generateKey("old");
      keys.generateKey("new");
      keys.setCurrent("new");
    }
    Path leftover = Files.copy(file, dir.resolve(".keys.p12.8412759012374.tmp"));
    List<Path> others =
        List.of(
            Files.writeString(dir.resolve(".keys.p12.notes.tmp"), "x"),
            Files.writeString(dir.resolve(".other.p12.123.tmp"), "x"),
            Files.writeString(dir.resolve(".keys.p12.123.tmp.bak"), "x"));
    try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
      keys.retire("old");
    }
    assertFalse(Files.exists(leftover), "the copy holding the retired key is gone");
    for (Path other : others) {
      assertTrue(Files.exists(other), other + " is not one of the keystore's copies");
    }
    try (Pkcs12KeyStore keys = Fixtures.open(file, AuditLog.systemLogger())) {
      assertEquals(Set.of("new"), keys.aliases());
    }
  }

  @Test
  void aLockThatCannotBeTakenIsReportedNamingTheKeystoreWhichStaysAsItWas() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(onFailing, AuditLog.systemLogger())) {
      byte[] before = Files.readAllBytes(onFailing);
      failing.fail(FailingFileSystem.Op.LOCK, onFailing::equals);

      FileSystemException e =
          assertThrows(FileSystemException.class, () -> keys.generateKey("first"));
      assertEquals(onFailing.toString(), e.getFile());
      assertTrue(e.getReason().contains("No locks available"), e.getReason());
      assertTrue(e.getReason().contains("nothing changed"), e.getReason());
      assertArrayEquals(before, Files.readAllBytes(onFailing));

      failing.failNothing();
      keys.generateKey("first");
    }
  }

  @Test
  void aFailedRenameIsReportedNamingTheKeystoreWhichStaysAsItWas() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(onFailing, AuditLog.systemLogger())) {
      keys.generateKey("first");
      byte[] before = Files.readAllBytes(onFailing);
      failing.fail(FailingFileSystem.Op.MOVE, path -> path.toString().endsWith(".tmp"));

      FileSystemException e =
          assertThrows(FileSystemException.class, () -> keys.generateKey("second"));
      assertEquals(onFailing.toString(), e.getFile());
      assertEquals(onFailing.getParent(), failing.getPath(e.getOtherFile()).getParent());
      assertTrue(e.getOtherFile().endsWith(".tmp"), e.getOtherFile());
      assertTrue(e.getReason().contains("Input/output error (MOVE)"), e.getReason());
      assertTrue(e.getReason().contains("nothing changed"), e.getReason());
      try (Stream<Path> listing = Files.list(jimfs.getPath("/keys"))) {
        assertEquals(List.of(jimfs.getPath("/keys/keys.p12")), listing.toList());
      }
      assertArrayEquals(before, Files.readAllBytes(onFailing));

      failing.failNothing();
      assertEquals(Set.of("first"), keys.aliases());
      keys.generateKey("second");
    }
  }

  @Test
  void aPlatformThatCannotOpenOrForceADirectoryIsNotAnError() throws IOException {
    KeyStoreFile.forceDirectory(
        dir,
        () -> {
          throw new UnsupportedOperationException();
        });
    KeyStoreFile.syncDirectory(dir);
    Path inMemory = Files.createDirectory(jimfs.getPath("/keys"));
    KeyStoreFile.syncDirectory(inMemory);
  }
}
