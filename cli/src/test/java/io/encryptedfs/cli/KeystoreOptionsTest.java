package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options every command shares: where the keystore is and how its password is had. */
class KeystoreOptionsTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  /** Every password problem is a key or password error (3), as the README says; none shows it. */
  @Test
  void passwordProblemsExitThree() throws Exception {
    String keystore = tmp.resolve("keys.p12").toString();
    Path pass = tmp.resolve("pass");
    Run unset =
        cli.run(
            "keys", "list", "-k", keystore, "--password-env", "ENCRYPTEDFS_TEST_UNSET_VARIABLE");
    assertEquals(3, unset.code(), unset.err());
    assertEquals(
        "encryptedfs: the environment variable that --password-env names is not set (its name is"
            + " not repeated, in case the password was given in its place)",
        unset.err().strip());
    // The password typed where the variable's name belongs is not echoed.
    Run typedIn = cli.run("keys", "list", "-k", keystore, "--password-env", "Tr0ub4dor&3");
    assertEquals(3, typedIn.code(), typedIn.err());
    assertFalse(typedIn.err().contains("Tr0ub4dor"), typedIn.err());

    Run noConsole = cli.run("keys", "list", "-k", keystore);
    assertEquals(3, noConsole.code(), noConsole.err());
    assertTrue(noConsole.err().contains("no console"), noConsole.err());

    Files.writeString(pass, "\n");
    Run empty = cli.run("keys", "list", "-k", keystore, "--password-file", pass.toString());
    assertEquals(3, empty.code(), empty.err());
    assertEquals(
        "encryptedfs: " + pass + ": password file's first line, the password, is empty",
        empty.err().strip());

    Files.write(pass, new byte[] {'p', 'a', 's', 's', (byte) 0xff, '\n'});
    Run notUtf8 = cli.run("keys", "list", "-k", keystore, "--password-file", pass.toString());
    assertEquals(3, notUtf8.code(), notUtf8.err());
    assertEquals(
        "encryptedfs: " + pass + ": password file is not valid UTF-8", notUtf8.err().strip());

    Files.writeString(pass, "s\u00e9same-9\n");
    Run nonAscii = cli.run("keys", "init", "-k", keystore, "--password-file", pass.toString());
    assertEquals(3, nonAscii.code(), nonAscii.err());
    assertTrue(
        nonAscii.err().contains("password from file " + pass + " is not printable ASCII"),
        nonAscii.err());
    assertFalse(nonAscii.err().contains("same-9"), "the password is not shown: " + nonAscii.err());
    assertFalse(Files.exists(tmp.resolve("keys.p12")));

    // A password file that cannot be read at all is an I/O error, named if it exists; a missing
    // one is not named, as its name may be the password typed in its place.
    Run missing = cli.run("keys", "list", "-k", keystore, "--password-file", "Tr0ub4dor&3");
    assertEquals(4, missing.code(), missing.err());
    assertEquals(
        "encryptedfs: the file that --password-file names: no such file (its name is not"
            + " repeated, in case the password was given in its place)",
        missing.err().strip());
    Path directory = Files.createDirectory(tmp.resolve("a-directory"));
    Run notAFile = cli.run("keys", "list", "-k", keystore, "--password-file", directory.toString());
    assertEquals(4, notAFile.code(), notAFile.err());
    assertTrue(notAFile.err().startsWith("encryptedfs: " + directory + ": "), notAFile.err());
  }

  /**
   * An unreadable keystore is named with the reason. Root reads a mode-000 file, so then a path
   * through a regular file makes the file system error instead.
   */
  @Test
  void anUnreadableKeystoreIsNamedWithTheReason() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path keystore = tmp.resolve("keys.p12");
    Files.setPosixFilePermissions(keystore, java.util.Set.of());
    String expected = keystore.toRealPath() + ": permission denied";
    if (Files.isReadable(keystore)) {
      keystore = tmp.resolve("pass/keys.p12");
      expected = keystore + ": Not a directory";
    }
    Run run =
        cli.run(
            "keys",
            "list",
            "--keystore",
            keystore.toString(),
            "--password-file",
            tmp.resolve("pass").toString());
    assertEquals(4, run.code(), run.err());
    // After the audit's KEYSTORE_OPEN_FAILED warning, a line of the tool's too.
    assertEquals("encryptedfs: " + expected, run.error(), run.err());
    assertTrue(run.errLinesAllTheTools(), run.err());
  }

  /**
   * An audit file that is the keystore is refused before anything is written: before, {@code keys
   * list --audit-file keys.p12} appended a line to the keystore, which then no longer opened, and
   * {@code keys init} with both named alike made the audit file and then found it "already exists".
   */
  @Test
  void theKeystoreAsTheAuditFileIsRefusedAndLeftAsItWas() throws Exception {
    Path keystore = tmp.resolve("keys.p12");
    Path pass = CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    byte[] before = Files.readAllBytes(keystore);
    Path link = Files.createSymbolicLink(tmp.resolve("link.p12"), keystore);
    for (Path audit : new Path[] {keystore, tmp.resolve("./keys.p12"), link}) {
      Run list =
          cli.run(
              "keys",
              "list",
              "-k",
              keystore.toString(),
              "--password-file",
              pass.toString(),
              "--audit-file",
              audit.toString());
      assertEquals(2, list.code(), audit + ": " + list.err());
      assertTrue(list.err().contains("--audit-file names the keystore"), list.err());
      assertArrayEquals(before, Files.readAllBytes(keystore), audit.toString());
    }
    Path fresh = tmp.resolve("fresh.p12");
    Run init =
        cli.run(
            "keys",
            "init",
            "-k",
            fresh.toString(),
            "--password-file",
            pass.toString(),
            "--audit-file",
            fresh.toString());
    assertEquals(2, init.code(), init.err());
    assertFalse(Files.exists(fresh), "nothing made");
    assertEquals(0, cli.keys("keys", "list").code(), "the keystore still opens");
  }
}
