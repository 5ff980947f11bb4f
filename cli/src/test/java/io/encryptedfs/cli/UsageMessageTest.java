package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage errors never repeat a value the tool did not recognise: before, a misspelled password
 * option printed "Unknown options: '--pass', 'S3cr3tValue'". And they are one line, whatever the
 * arguments hold.
 */
class UsageMessageTest {
  private static final String SECRET = "S3cr3tValue";

  @TempDir Path tmp;

  @Test
  void aMisspelledPasswordOptionIsNamedButItsValueIsNot() {
    CliRunner cli = new CliRunner(tmp);
    String keystore = tmp.resolve("ks.p12").toString();
    for (String option :
        List.of(
            "--pass",
            "--PASSWORD",
            "-p",
            "--storepass",
            "-storepass",
            "--keystore-password",
            "--password-fil")) {
      Run run = cli.run("keys", "list", "-k", keystore, option, SECRET);
      assertEquals(2, run.code(), run.err());
      assertEquals(
          "encryptedfs: unknown option "
              + option
              + ", and 1 argument more not recognised (not repeated, in case a password was given"
              + " there)",
          run.err().lines().findFirst().orElseThrow());
      assertNoSecret(run);
    }
    Run joined = cli.run("keys", "list", "-k", keystore, "--pwd=" + SECRET);
    assertEquals(2, joined.code(), joined.err());
    assertEquals(
        "encryptedfs: unknown option --pwd", joined.err().lines().findFirst().orElseThrow());
    assertNoSecret(joined);
    Run stray =
        cli.run(
            "keys",
            "list",
            "-k",
            keystore,
            "--password-file",
            tmp.resolve("pw").toString(),
            SECRET);
    assertEquals(2, stray.code(), stray.err());
    assertEquals(
        "encryptedfs: 1 argument not recognised (not repeated, in case a password was given"
            + " there)",
        stray.err().lines().findFirst().orElseThrow());
    assertNoSecret(stray);
  }

  /** A password starting with a dash, after an unknown option, is not taken for an option. */
  @Test
  void aValueThatLooksLikeAnOptionAfterAnUnknownOneIsCounted() {
    assertEquals(
        "unknown option --pass, and 1 argument more not recognised (not repeated, in case a"
            + " password was given there)",
        UsageMessage.ofUnmatched(List.of("--pass", "-S3cr3t")));
    assertEquals(
        "unknown options --a, --b, and 2 arguments more not recognised (not repeated, in case a"
            + " password was given there)",
        UsageMessage.ofUnmatched(List.of("--a=1", "--b", "x", "y!")));
  }

  /** Before, an argument holding a line break was printed raw and forged verify's verdict. */
  @Test
  void aUsageErrorIsOneLineWhateverTheArgumentsHold() {
    CliRunner cli = new CliRunner(tmp);
    String forged = "x\nOK: 2 file(s) verified, 0 damaged";
    for (String[] args :
        new String[][] {
          {"verify", "root", "-k", "ks.p12", "--password-file", "pw", forged},
          {"report", "-k", "ks.p12", "--failures", forged},
          {"keys", "list", "-k", "ks.p12", "--" + forged}
        }) {
      Run run = cli.run(args);
      assertEquals(2, run.code(), run.err());
      assertEquals(2, run.err().lines().count(), run.err());
      assertFalse(run.err().lines().anyMatch(l -> l.startsWith("OK")), run.err());
    }
  }

  private static void assertNoSecret(Run run) {
    assertFalse(run.err().contains(SECRET) || run.out().contains(SECRET), run.err());
  }
}
