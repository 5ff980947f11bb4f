package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider settings the tool's options decide are not taken from {@code encryptedfs.*} system
 * properties or {@code ENCRYPTEDFS_*} environment variables. Both are read the same way, after the
 * settings the tool passes; the tests set properties, which a test can. Before, {@code
 * ENCRYPTEDFS_CREATE=true} made {@code info} of a plain directory write a root marker into it.
 */
class EnvironmentSettingsTest {
  @TempDir Path tmp;
  private CliRunner cli;
  private Path root;

  @BeforeEach
  void keystoreAndRoot() throws Exception {
    cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    root = tmp.resolve("root");
    cli.createRoot(root, 4096).close();
  }

  @AfterEach
  void clearProperties() {
    for (String key : new String[] {"create", "audit.file", "key.alias", "key.policy"}) {
      System.clearProperty("encryptedfs." + key);
    }
  }

  @Test
  void createFromTheEnvironmentMakesNoRoot() throws Exception {
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    Files.writeString(plain.resolve("f"), "data");
    System.setProperty("encryptedfs.create", "true");
    for (String command : new String[] {"info", "verify", "rewrap"}) {
      Run run = cli.keys(command, plain.toString());
      assertEquals(2, run.code(), command + ": " + run.out() + run.err());
      assertTrue(run.err().contains("not an encrypted root"), run.err());
      assertTrue(Files.notExists(plain.resolve(".encryptedfs")), command + " made a root");
    }
  }

  @Test
  void anAuditFileFromTheEnvironmentIsNotWritten() {
    Path elsewhere = tmp.resolve("elsewhere.jsonl");
    System.setProperty("encryptedfs.audit.file", elsewhere.toString());
    Run run =
        cli.run(
            "info",
            root.toString(),
            "-k",
            tmp.resolve("keys.p12").toString(),
            "--password-file",
            tmp.resolve("pass").toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(Files.notExists(elsewhere), "events went where no option said");
  }

  /** Rewrap moves files to the current key, or the --key-policy's, as the README says. */
  @Test
  void aKeyFromTheEnvironmentDoesNotSteerRewrap() {
    System.setProperty("encryptedfs.key.alias", "not-in-the-keystore");
    System.setProperty("encryptedfs.key.policy", "/**=not-in-the-keystore");
    Run run = cli.keys("rewrap", root.toString());
    assertEquals(0, run.code(), run.out() + run.err());
  }
}
