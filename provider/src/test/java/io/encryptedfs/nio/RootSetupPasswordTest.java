package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy of the keystore password a root's opening reads is wiped whatever stops the opening.
 * Before, it was read before the audit file was opened, and an audit file that could not be opened
 * (its directory a regular file, a full disk) or named (a path the platform refuses) left it in the
 * heap, outside the {@code finally} that wipes it.
 */
class RootSetupPasswordTest {
  @TempDir Path tmp;

  /** Every password copy the configuration handed out, to see whether each was wiped. */
  private final List<char[]> handedOut = new ArrayList<>();

  private Config config(Map<String, ?> env) {
    return new Config(env, Map.of()) {
      @Override
      char[] password() {
        char[] copy = "hunter2-hunter2".toCharArray();
        handedOut.add(copy);
        return copy;
      }
    };
  }

  private void assertEveryCopyWiped() {
    for (char[] copy : handedOut) {
      assertArrayEquals(new char[copy.length], copy);
    }
  }

  @Test
  void wipedWhenTheAuditFileCannotBeOpened() throws Exception {
    Path notADirectory = Files.createFile(tmp.resolve("plain-file"));
    Config config =
        config(
            Map.of(
                EncryptedFileSystems.KEYSTORE, tmp.resolve("keys.p12").toString(),
                EncryptedFileSystems.AUDIT_FILE, notADirectory.resolve("audit.jsonl").toString()));
    assertThrows(IOException.class, () -> open(config));
    assertEveryCopyWiped();
  }

  @Test
  void wipedWhenTheAuditFileCannotBeNamed() {
    Config config =
        config(
            Map.of(
                EncryptedFileSystems.KEYSTORE,
                tmp.resolve("keys.p12").toString(),
                EncryptedFileSystems.AUDIT_FILE,
                tmp + "/audit\0.jsonl"));
    assertThrows(IllegalArgumentException.class, () -> open(config));
    assertEveryCopyWiped();
  }

  @Test
  void wipedWhenTheKeystoreDoesNotOpen() {
    Config config =
        config(
            Map.of(
                EncryptedFileSystems.KEYSTORE, tmp.resolve("missing.p12").toString(),
                EncryptedFileSystems.AUDIT_FILE, tmp.resolve("audit.jsonl").toString()));
    assertThrows(NoSuchFileException.class, () -> open(config));
    assertEquals(1, handedOut.size());
    assertEveryCopyWiped();
  }

  private void open(Config config) throws IOException {
    Path root = tmp.resolve("root");
    RootSetup.open(
        new EncryptedFileSystemProvider(), root, URI.create("encrypted:" + root.toUri()), config);
  }
}
