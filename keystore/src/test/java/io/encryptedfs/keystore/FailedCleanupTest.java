package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.keystore.FailingFileSystem.Op;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a write fails and removing its temporary file then fails too, the caller must learn why the
 * write failed, not merely that some file could not be deleted: the second failure is attached to
 * the first, never thrown in its place.
 */
class FailedCleanupTest {
  private static final Predicate<Path> TEMPORARY = path -> path.toString().endsWith(".tmp");

  private final FileSystem jimfs = Fixtures.unixFileSystem();
  private final FailingFileSystem fs = new FailingFileSystem(jimfs);
  private final Path file = fs.getPath("/secrets/keys.p12");

  @AfterEach
  void tearDown() throws IOException {
    jimfs.close();
  }

  /** The one failure attached to {@code e}: the temporary file's delete. */
  private static void assertDeleteFailureSuppressed(Throwable e) {
    assertEquals(1, e.getSuppressed().length, () -> List.of(e.getSuppressed()).toString());
    FileSystemException delete = assertInstanceOf(FileSystemException.class, e.getSuppressed()[0]);
    assertTrue(delete.getReason().contains("DELETE"), delete.getReason());
    assertTrue(TEMPORARY.test(Path.of(delete.getFile())), delete.getFile());
  }

  @Test
  void aFullDiskIsReportedEvenIfTheTemporaryFileCannotBeDeleted() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, AuditLog.systemLogger())) {
      keys.generateKey("first");
      byte[] before = Files.readAllBytes(file);
      fs.fail(Op.WRITE, TEMPORARY);
      fs.fail(Op.DELETE, TEMPORARY);

      FileSystemException e =
          assertThrows(FileSystemException.class, () -> keys.generateKey("second"));
      assertEquals(file.toString(), e.getFile());
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      assertTrue(e.getMessage().contains("nothing changed"), e.getMessage());
      assertDeleteFailureSuppressed(e);
      assertArrayEquals(before, Files.readAllBytes(file));

      fs.failNothing();
      assertEquals(Set.of("first"), keys.aliases());
      keys.generateKey("second");
    }
  }

  @Test
  void aFailedRenameIsReportedEvenIfTheTemporaryFileCannotBeDeleted() throws IOException {
    try (Pkcs12KeyStore keys = Fixtures.create(file, AuditLog.systemLogger())) {
      byte[] before = Files.readAllBytes(file);
      fs.fail(Op.MOVE, TEMPORARY);
      fs.fail(Op.DELETE, TEMPORARY);

      FileSystemException e =
          assertThrows(FileSystemException.class, () -> keys.generateKey("first"));
      assertTrue(e.getReason().contains("MOVE"), e.getReason());
      assertDeleteFailureSuppressed(e);
      assertArrayEquals(before, Files.readAllBytes(file));

      fs.failNothing();
      assertEquals(Set.of(), keys.aliases());
      keys.generateKey("first");
    }
  }

  @Test
  void aKeystoreWhoseTemporaryLinkCannotBeRemovedIsCreatedAndSaysSo() throws IOException {
    fs.fail(Op.DELETE, TEMPORARY);
    List<Path> forced = new ArrayList<>();
    try (AuditCapture audit = new AuditCapture(jimfs.getPath("/audit.jsonl"))) {
      FileSystemException e =
          assertThrows(
              FileSystemException.class,
              () ->
                  Pkcs12KeyStore.create(
                      file, Fixtures.password(), audit.log(), Fixtures.FAST, forced::add));
      assertEquals(file.toString(), e.getFile());
      assertTrue(TEMPORARY.test(Path.of(e.getOtherFile())), e.getOtherFile());
      assertTrue(e.getReason().contains("keystore was created"), e.getReason());
      assertTrue(e.getReason().contains("DELETE"), e.getReason());
      // What finishes the keystore is the caller's to say (encryptedfs keys init: run init again),
      // not "open the keystore", which the tool's operator cannot do.
      assertTrue(e.getReason().endsWith("); delete that file"), e.getReason());
      // The keystore's directory, and its parent, for create() made that directory.
      assertEquals(
          List.of(file.getParent(), file.getParent().getParent()),
          forced,
          "the directories are forced all the same");
      assertEquals(List.of("KEYSTORE_CREATED"), audit.kinds());

      fs.failNothing();
      try (Pkcs12KeyStore opened = Fixtures.open(file, audit.log())) {
        assertEquals(Set.of(), opened.aliases());
        opened.generateKey("first");
      }
    }
  }

  @Test
  void aFailedForceAfterAStrayLinkIsReportedWithTheStrayLinkAttached() throws IOException {
    fs.fail(Op.DELETE, TEMPORARY);
    IOException eio = new IOException("Input/output error");
    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () ->
                Pkcs12KeyStore.create(
                    file,
                    Fixtures.password(),
                    AuditLog.systemLogger(),
                    Fixtures.FAST,
                    dir ->
                        KeyStoreFile.forceDirectory(
                            dir,
                            () -> {
                              throw eio;
                            })));
    assertTrue(e.getReason().contains("may not survive a crash"), e.getReason());
    assertEquals(1, e.getSuppressed().length);
    FileSystemException stray = assertInstanceOf(FileSystemException.class, e.getSuppressed()[0]);
    assertTrue(stray.getReason().contains("keystore was created"), stray.getReason());
    fs.failNothing();
    Fixtures.open(file, AuditLog.systemLogger()).close();
  }

  @Test
  void aFailedLinkIsReportedEvenIfTheTemporaryFileCannotBeDeleted() throws IOException {
    fs.fail(Op.LINK, file::equals);
    fs.fail(Op.DELETE, TEMPORARY);
    try (AuditCapture audit = new AuditCapture(jimfs.getPath("/audit.jsonl"))) {
      FileSystemException e =
          assertThrows(FileSystemException.class, () -> Fixtures.create(file, audit.log()));
      assertEquals(file.toString(), e.getFile());
      assertTrue(e.getReason().contains("LINK"), e.getReason());
      assertDeleteFailureSuppressed(e);
      assertFalse(Files.exists(file));
      assertEquals(List.of(), audit.kinds());
    }
  }
}
