package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import com.google.common.jimfs.PathNormalization;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.nio.MarkerNames;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encrypt} leaves out the names its root refuses to create: those starting with {@code
 * .encryptedfs}, and where the root's directory folds case (a vfat stick, macOS) those in any case.
 */
class LeftOutTest {
  @TempDir Path tmp;
  private Path plain;
  private Map<String, Object> env;

  @BeforeEach
  void treeAndKeystore() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    env =
        Map.of(
            EncryptedFileSystems.KEYSTORE,
            tmp.resolve("keys.p12"),
            EncryptedFileSystems.KEYSTORE_PASSWORD,
            "correct horse battery",
            EncryptedFileSystems.CREATE,
            "true");
    plain = Files.createDirectories(tmp.resolve("plain").resolve("sub"));
    for (String name :
        new String[] {
          "a.txt", ".encryptedf", ".encryptedfs-y", ".ENCRYPTEDFS-x", "sub/.EncryptedFS"
        }) {
      Files.writeString(tmp.resolve("plain").resolve(name), name);
    }
    plain = plain.getParent();
  }

  @Test
  void aCaseFoldingRootLeavesOutEveryCase() throws Exception {
    Configuration folding =
        Configuration.unix().toBuilder()
            .setNameCanonicalNormalization(PathNormalization.CASE_FOLD_ASCII)
            .build();
    assertEquals(
        List.of(
            "SKIPPED .ENCRYPTEDFS-x: " + reason(", in any case"),
            "SKIPPED .encryptedfs-y: " + reason(", in any case"),
            "SKIPPED sub/.EncryptedFS: " + reason(", in any case")),
        lines(folding));
  }

  @Test
  void aCaseSensitiveRootLeavesOutTheExactPrefixOnly() throws Exception {
    assertEquals(List.of("SKIPPED .encryptedfs-y: " + reason("")), lines(Configuration.unix()));
  }

  private List<String> lines(Configuration underlying) throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(underlying)) {
      Path root = jimfs.getPath("/root");
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, env)) {
        return LeftOut.of(plain, root, List.of(), MarkerNames.of(fs)).stream()
            .map(LeftOut.Entry::line)
            .toList();
      }
    }
  }

  private static String reason(String cases) {
    return "a name reserved for root markers (starting with .encryptedfs"
        + cases
        + "), which the root does not create; not copied (rename it to copy it)";
  }
}
