package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyStoreFileTest {
  @TempDir Path dir;

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

  @Test
  void aPlatformThatCannotOpenOrForceADirectoryIsNotAnError() throws IOException {
    KeyStoreFile.forceDirectory(
        dir,
        () -> {
          throw new UnsupportedOperationException();
        });
    KeyStoreFile.syncDirectory(dir);
    try (FileSystem jimfs = Fixtures.unixFileSystem()) {
      Path inMemory = Files.createDirectory(jimfs.getPath("/keys"));
      KeyStoreFile.syncDirectory(inMemory);
    }
  }
}
