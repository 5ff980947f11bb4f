package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** The one-line error messages: the file, the other file if any, and what went wrong with it. */
class MainTest {
  @Test
  void aFileSystemErrorNamesItsFileAndReason() {
    // The JDK gives no reason for these, only the path.
    assertEquals(
        "/x/ro.p12: permission denied", Main.describe(new AccessDeniedException("/x/ro.p12")));
    assertEquals(
        "/x/keys.p12: no such file", Main.describe(new NoSuchFileException("/x/keys.p12")));
    assertEquals(
        "/x/keys.p12: already exists",
        Main.describe(new FileAlreadyExistsException("/x/keys.p12")));
    assertEquals(
        "/x/d: directory not empty", Main.describe(new DirectoryNotEmptyException("/x/d")));
  }

  @Test
  void theJdksReasonAndTheOtherFileAreKept() {
    assertEquals(
        "/x/a -> /y/b: Invalid cross-device link",
        Main.describe(new FileSystemException("/x/a", "/y/b", "Invalid cross-device link")));
    assertEquals(
        "/x/a -> /y/b: permission denied",
        Main.describe(new AccessDeniedException("/x/a", "/y/b", null)));
  }

  @Test
  void otherErrorsKeepTheirMessage() {
    assertEquals(
        "wrong password for keystore /k",
        Main.describe(new IOException("wrong password for keystore /k")));
    assertEquals("IOException", Main.describe(new IOException()));
  }
}
