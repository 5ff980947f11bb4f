package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MarkerNamesTest {
  @Test
  void aCaseSensitiveDirectoryReservesTheExactPrefixOnly() {
    MarkerNames names = MarkerNames.caseSensitive();
    assertTrue(names.isReserved(".encryptedfs"));
    assertTrue(names.isReserved(".encryptedfs-notes"));
    assertFalse(names.isReserved(".ENCRYPTEDFS"));
    assertFalse(names.isReserved(".EncryptedFS-notes"));
    assertFalse(names.isReserved(".encryptedf"));
  }

  @Test
  void aFoldingDirectoryReservesEveryCaseAndUnicodeFolding() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(CaseFoldingRootTest.FOLDING)) {
      MarkerNames names = namesOf(Files.createDirectory(jimfs.getPath("/root")));
      assertTrue(names.folds());
      assertTrue(names.isReserved(".encryptedfs"));
      assertTrue(names.isReserved(".ENCRYPTEDFS"));
      assertTrue(names.isReserved(".EncryptedFS-notes"));
      // Unicode case folding, as ext4 casefold and APFS do it: long s is s, the ligature st is st.
      assertTrue(names.isReserved(".encryptedf\u017f"));
      assertTrue(names.isReserved(".encryptedf\ufb06"));
      assertFalse(names.isReserved(".ENCRYPTEDF"));
      assertFalse(names.isReserved("x.ENCRYPTEDFS"));
      assertFalse(names.isReserved("\uff0eencryptedfs")); // a full-width stop folds to no dot
    }
  }

  @Test
  void anotherFileInAnotherCaseOnACaseSensitiveDirectoryIsNoFolding() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path root = Files.createDirectory(jimfs.getPath("/root"));
      Files.writeString(root.resolve(".ENCRYPTEDFS"), "someone else's");
      assertFalse(namesOf(root).folds());
    }
  }

  @Test
  void noFileInAnotherCaseIsNoFolding() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      assertFalse(namesOf(Files.createDirectory(jimfs.getPath("/root"))).folds());
    }
  }

  private static MarkerNames namesOf(Path root) throws IOException {
    Path marker = Files.writeString(root.resolve(EncryptedFileSystem.MARKER), "m");
    return MarkerNames.of(root, marker);
  }
}
