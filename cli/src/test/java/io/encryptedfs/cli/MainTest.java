package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.NotAnEncryptedRootException;
import io.encryptedfs.cli.CliRunner.Run;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-line error messages (the file, the other file if any, and what went wrong with it) and
 * the documented exit codes.
 */
class MainTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  /** A key provider's refusal (an alias no header holds, a broken answer) is a key error. */
  @Test
  void aKeyProviderErrorExitsAsAKeyError() {
    assertEquals(
        ExitCodes.KEY,
        Main.exitCode(new io.encryptedfs.KeyProviderException("keystore /k.p12: alias", "a")));
  }

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

  /** The provider's reason names its 'create' setting, for API users; the tool names its own. */
  @Test
  void notARootNamesTheToolsOptionAndLeavesTheProvidersMessage() {
    NotAnEncryptedRootException e = new NotAnEncryptedRootException("/x/r");
    assertEquals(
        "/x/r: not an encrypted root (initialise one with encrypt --create)", Main.describe(e));
    assertEquals(
        "/x/r: not an encrypted root (set 'create' to true to initialise it)", e.getMessage());
  }

  @Test
  void otherErrorsKeepTheirMessage() {
    assertEquals(
        "wrong password for keystore /k",
        Main.describe(new IOException("wrong password for keystore /k")));
    assertEquals("IOException", Main.describe(new IOException()));
  }

  @Test
  void errorsAreOneLineWithDocumentedExitCodes() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "wrong password\n");
    Run usage = cli.run("verify");
    assertEquals(2, usage.code());
    assertEquals(
        "encryptedfs: missing option --keystore FILE and argument ROOT",
        usage.err().lines().findFirst().orElseThrow());
    Run missing = cli.keys("keys", "list");
    assertEquals(4, missing.code());
    // The error, one line; before it the audit's KEYSTORE_OPEN_FAILED warning, one line too.
    assertEquals("encryptedfs: " + tmp.resolve("keys.p12") + ": no such file", missing.error());
    assertTrue(missing.errLinesAllTheTools(), missing.err());
    assertEquals(2, missing.err().lines().count(), missing.err());
    Run help = cli.run("verify", "--help");
    assertEquals(0, help.code());
    assertTrue(
        help.out().contains("--password-env") && help.out().contains("Exit codes"), help.out());
    Run top = cli.run("--help");
    assertTrue(
        top.out().contains("rewrap") && top.out().contains("3   key or password error"), top.out());
  }

  /**
   * The same mistake gives the same exit code whichever argument it is in: a missing PLAIN_DIR is a
   * missing file (4) as a missing ROOT is, where it was a usage error; a file in its place stays
   * one (2). {@code keys} without its command is a usage error as the tool without one is, where it
   * printed its help and exited 0; {@code keys init} on a directory is refused as an existing file
   * is (2), where it tried to open the directory as a keystore and failed as an I/O error (4).
   */
  @Test
  void eachMistakeHasOneExitCodeWhereverItIs() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path root = tmp.resolve("root");
    Run missingPlain = cli.keys("encrypt", tmp.resolve("nothing").toString(), root.toString());
    assertEquals(4, missingPlain.code(), missingPlain.err());
    assertEquals(
        "encryptedfs: " + tmp.resolve("nothing") + ": no such file", missingPlain.err().strip());
    Run missingRoot = cli.keys("verify", root.toString());
    assertEquals(4, missingRoot.code(), missingRoot.err());
    Run filePlain = cli.keys("encrypt", tmp.resolve("pass").toString(), root.toString());
    assertEquals(2, filePlain.code(), filePlain.err());
    assertTrue(
        filePlain.err().contains(tmp.resolve("pass") + ": not a directory"), filePlain.err());
    assertTrue(Files.notExists(root), "nothing made");

    Run keysAlone = cli.run("keys");
    assertEquals(2, keysAlone.code(), keysAlone.out() + keysAlone.err());
    assertTrue(keysAlone.err().contains("missing command"), keysAlone.err());

    Path dir = Files.createDirectories(tmp.resolve("keysdir"));
    Run initDir =
        cli.run(
            "keys",
            "init",
            "-k",
            dir.toString(),
            "--password-file",
            tmp.resolve("pass").toString());
    assertEquals(2, initDir.code(), initDir.err());
    assertEquals(
        "encryptedfs: " + dir + ": is a directory; --keystore names the file to create",
        initDir.err().strip());
    assertEquals(List.of(), Files.list(dir).toList(), "nothing written");
  }

  /**
   * Exit 5 also covers links and special files that encrypt and decrypt leave out (LeftOutTest,
   * LinkCopyTest); the top-level help named only nested roots and reserved names.
   */
  @Test
  void theTopLevelHelpGivesExitFiveAsEachCommandsHelpDoes() {
    String top = cli.run("--help").out().replaceAll("\\s+", " ");
    String encrypt = cli.run("encrypt", "--help").out().replaceAll("\\s+", " ");
    String leftOut = "a link or a special file that cannot be copied";
    assertTrue(encrypt.contains(leftOut), encrypt);
    assertTrue(top.contains(leftOut), top);
  }

  /** A list of commands shows each one's first description line, which was cut mid-sentence. */
  @Test
  void eachCommandsSummaryInTheListsIsAWholeSentence() {
    java.util.Deque<picocli.CommandLine> commands = new java.util.ArrayDeque<>();
    commands.add(new picocli.CommandLine(new Main()));
    int summaries = 0;
    while (!commands.isEmpty()) {
      for (picocli.CommandLine sub : commands.poll().getSubcommands().values()) {
        String first = sub.getCommandSpec().usageMessage().description()[0];
        assertTrue(first.endsWith("."), sub.getCommandName() + ": " + first);
        summaries++;
        commands.add(sub);
      }
    }
    assertTrue(summaries >= 12, "commands seen: " + summaries);
  }

  /**
   * A password given as an option is refused without being echoed: before, picocli answered
   * "Unknown options: '--password', 'S3cr3t'" on stderr, into terminals and CI logs.
   */
  @Test
  void aPasswordOnTheCommandLineIsRefusedWithoutEchoingIt() {
    for (String[] args :
        new String[][] {
          {"keys", "list", "-k", "k.p12", "--password", "S3cr3t"},
          {"keys", "list", "-k", "k.p12", "--password=S3cr3t"}
        }) {
      Run run = cli.run(args);
      assertEquals(2, run.code(), run.err());
      assertTrue(run.err().contains("no --password option"), run.err());
      assertTrue(!run.err().contains("S3cr3t") && !run.out().contains("S3cr3t"), run.err());
    }
  }

  /**
   * An argument the JVM could not decode (it holds U+FFFD where the bytes were) is refused: before,
   * {@code decrypt root $'dec\\xff'} wrote into a new directory {@code dec\uFFFD} and {@code
   * encrypt} took two such names for one.
   */
  @Test
  void anArgumentTheJvmCouldNotDecodeIsRefused() {
    Run run =
        cli.run("encrypt", tmp.resolve("plain").toString(), tmp.resolve("r\uFFFD").toString());
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains("argument 3 holds bytes"), run.err());
    assertTrue(Files.notExists(tmp.resolve("r\uFFFD")), "nothing made");
  }

  /**
   * An empty path or variable name is a usage error. Before, {@code -k ''} opened the working
   * directory as the keystore (and audited its permissions), and {@code --password-file ''} read
   * it: both exit 4 with messages about a directory.
   */
  @Test
  void anEmptyPathOrVariableIsAUsageError() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    String pass = tmp.resolve("pass").toString();
    for (String[] args :
        new String[][] {
          {"keys", "list", "-k", "", "--password-file", pass},
          {"keys", "list", "-k", tmp.resolve("k.p12").toString(), "--password-file", ""},
          {"keys", "list", "-k", tmp.resolve("k.p12").toString(), "--password-env", ""},
          {"verify", "", "-k", tmp.resolve("k.p12").toString(), "--password-file", pass}
        }) {
      Run run = cli.run(args);
      assertEquals(2, run.code(), String.join(" ", args) + ": " + run.err());
      assertTrue(
          run.err().contains("an empty path names no file")
              || run.err().contains("--password-env needs a variable's name"),
          run.err());
    }
  }
}
