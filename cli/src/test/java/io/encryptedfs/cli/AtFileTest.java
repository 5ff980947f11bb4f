package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An argument starting with {@code @} is a name like any other. Before, picocli replaced
 * {@code @FILE} by FILE's contents, so that the password file named with a leading {@code @}
 * reached error messages and the audit trail.
 */
class AtFileTest {
  private static final String PASSWORD = "PW-canary-7731";

  @TempDir Path tmp;
  private CliRunner cli;
  private String keystore;
  private String pw;

  @BeforeEach
  void passwordFile() throws Exception {
    cli = new CliRunner(tmp);
    keystore = tmp.resolve("ks.p12").toString();
    pw = tmp.resolve("pw").toString();
    Files.writeString(tmp.resolve("pw"), PASSWORD + "\n");
  }

  @Test
  void thePasswordFileNamedWithAnAtIsNotRead() {
    Run run = cli.run("keys", "list", "-k", keystore, "--password-file", "@" + pw);
    assertEquals(4, run.code(), run.err());
    assertTrue(run.err().contains("no such file"), run.err());
    assertNoPassword(run);
  }

  @Test
  void theKeystoreNamedWithAnAtKeepsThePasswordOutOfTheAuditFile() throws Exception {
    Path audit = tmp.resolve("a.jsonl");
    Run run =
        cli.run(
            "keys",
            "list",
            "-k",
            "@" + pw,
            "--password-file",
            pw,
            "--audit-file",
            audit.toString());
    assertEquals(4, run.code(), run.err());
    assertNoPassword(run);
    if (Files.exists(audit)) {
      assertFalse(Files.readString(audit).contains(PASSWORD), Files.readString(audit));
    }
  }

  @Test
  void aStrayAtArgumentIsNotExpanded() {
    Run run = cli.run("keys", "list", "-k", keystore, "--password-file", pw, "@" + pw);
    assertEquals(2, run.code(), run.err());
    assertNoPassword(run);
  }

  @Test
  void aPasswordOptionInAnArgumentFileIsNotTakenUp() throws Exception {
    Path args = Files.writeString(tmp.resolve("args.txt"), "--password\nS3cr3tValue\n");
    Run run = cli.run("keys", "list", "-k", keystore, "@" + args);
    assertEquals(2, run.code(), run.err());
    assertFalse(run.err().contains("S3cr3tValue"), run.err());
  }

  private static void assertNoPassword(Run run) {
    assertFalse(run.err().contains(PASSWORD) || run.out().contains(PASSWORD), run.err());
  }
}
