package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which names a root reserves, as its underlying directory looks names up. */
class MarkerNamesTest {
  @Test
  void aCaseSensitiveDirectoryReservesTheExactPrefixOnly() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      MarkerNames names = namesOf(Files.createDirectory(jimfs.getPath("/root")));
      assertFalse(names.folds());
      assertReserved(
          names,
          List.of(".encryptedfs", ".encryptedfs-notes"),
          List.of(".ENCRYPTEDFS", ".EncryptedFS-notes", ".encryptedf"));
    }
  }

  /**
   * Unicode case mapping too, as ext4 casefold and APFS fold: long s is s, the ligature st is st; a
   * full-width stop is no dot.
   */
  @Test
  void aFoldingDirectoryReservesEveryCaseAndUnicodeFolding() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(CaseFoldingRootTest.FOLDING)) {
      MarkerNames names = namesOf(Files.createDirectory(jimfs.getPath("/root")));
      assertTrue(names.folds());
      assertReserved(
          names,
          List.of(
              ".encryptedfs",
              ".ENCRYPTEDFS",
              ".EncryptedFS-notes",
              ".encryptedf\u017f",
              ".encryptedf\ufb06"),
          List.of(".ENCRYPTEDF", "x.ENCRYPTEDFS", "\uff0eencryptedfs"));
    }
  }

  private static void assertReserved(
      MarkerNames names, List<String> reserved, List<String> ordinary) {
    for (String name : reserved) {
      assertTrue(names.isReserved(name), name);
    }
    for (String name : ordinary) {
      assertFalse(names.isReserved(name), name);
    }
  }

  @Test
  void anotherFileInAnotherCaseOnACaseSensitiveDirectoryIsNoFolding() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = Files.createDirectory(jimfs.getPath("/root"));
      Files.writeString(root.resolve(".ENCRYPTEDFS"), "someone else's");
      assertFalse(namesOf(root).folds());
      Files.delete(root.resolve(".ENCRYPTEDFS"));
      Files.createSymbolicLink(root.resolve(".ENCRYPTEDFS"), root.resolve(".encryptedfs"));
      assertFalse(MarkerNames.detect(root, root.resolve(".encryptedfs")).folds());
    }
  }

  @Test
  void anEncryptedFileSystemTellsItsNames() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(CaseFoldingRootTest.FOLDING);
        FileSystem fs =
            TestRoots.open(
                jimfs.getPath("/root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      assertTrue(MarkerNames.of(fs).isReserved(".EncryptedFS"));
      assertThrows(IllegalArgumentException.class, () -> MarkerNames.of(jimfs));
      fs.close();
      assertThrows(ClosedFileSystemException.class, () -> MarkerNames.of(fs));
    }
  }

  private static MarkerNames namesOf(Path root) throws IOException {
    Path marker = Files.writeString(root.resolve(EncryptedFileSystem.MARKER), "m");
    return MarkerNames.detect(root, marker);
  }

  @Test
  void nullArgumentsAreNamedAtOnce() throws IOException {
    assertEquals(
        "fs", assertThrows(NullPointerException.class, () -> MarkerNames.of(null)).getMessage());
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      MarkerNames names = namesOf(Files.createDirectory(jimfs.getPath("/root")));
      assertEquals(
          "name",
          assertThrows(NullPointerException.class, () -> names.isReserved(null)).getMessage());
    }
  }
}
