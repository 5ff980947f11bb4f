package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Usage errors never repeat a value the user typed, only names the tool defines: before, a
 * misspelled password option printed "Unknown options: '--pass', 'S3cr3tValue'", a lone {@code
 * -S3cr3tValue} was named as an unknown option, and a value where a number was expected was quoted
 * ("Invalid value for option '--failures': 'S3cr3tValue' is not an int"). And they are one line,
 * whatever the arguments hold.
 */
class UsageMessageTest {
  private static final String SECRET = "S3cr3tValue";
  private static final String NOT_REPEATED = " (not repeated, in case a password was given there)";

  @TempDir Path tmp;

  @Test
  void aMisspelledPasswordOptionIsCountedAndNeitherItNorItsValueIsShown() {
    CliRunner cli = new CliRunner(tmp);
    String keystore = tmp.resolve("ks.p12").toString();
    // Each unknown option, and the suggestion it gets: one of the command's own options, if any.
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--pass", "; did you mean --password-file or --password-env?");
    options.put("--PASSWORD", "; did you mean --password-file or --password-env?");
    options.put("--password-fil", "; did you mean --password-file?");
    options.put("-p", "");
    options.put("--storepass", "");
    options.put("-storepass", "");
    options.put("--keystore-password", "");
    for (Map.Entry<String, String> option : options.entrySet()) {
      Run run = cli.run("keys", "list", "-k", keystore, option.getKey(), SECRET);
      assertEquals(2, run.code(), run.err());
      assertEquals(
          "encryptedfs: an unknown option, and 1 argument more not recognised"
              + NOT_REPEATED
              + option.getValue(),
          run.err().lines().findFirst().orElseThrow());
      assertNoSecret(run);
    }
    Run joined = cli.run("keys", "list", "-k", keystore, "--pwd=" + SECRET);
    assertEquals(2, joined.code(), joined.err());
    assertEquals(
        "encryptedfs: an unknown option" + NOT_REPEATED,
        joined.err().lines().findFirst().orElseThrow());
    assertFalse(joined.err().contains("--pwd"), joined.err());
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
        "encryptedfs: 1 argument not recognised" + NOT_REPEATED,
        stray.err().lines().findFirst().orElseThrow());
    assertNoSecret(stray);
  }

  /**
   * A password typed where an option was expected looks like an option: {@code -S3cr3tValue} and
   * {@code --S3cr3tValue} were named as unknown options, that is, echoed. Only the tool's own
   * option names are named; a real typo of one gets the option it resembles, not the typo.
   */
  @Test
  void aLoneTokenThatLooksLikeAnOptionIsNotNamed() {
    CliRunner cli = new CliRunner(tmp);
    String keystore = tmp.resolve("ks.p12").toString();
    for (String[] args :
        new String[][] {
          {"keys", "list", "-k", keystore, "-" + SECRET},
          {"keys", "list", "-k", keystore, "--" + SECRET},
          {"--" + SECRET},
          {"verify", "root", "-k", keystore, "-" + SECRET + "=x"}
        }) {
      Run run = cli.run(args);
      assertEquals(2, run.code(), run.err());
      assertEquals(
          "encryptedfs: an unknown option" + NOT_REPEATED,
          run.err().lines().findFirst().orElseThrow());
      assertNoSecret(run);
    }
    Run typo = cli.run("keys", "list", "-k", keystore, "--keystroe=" + SECRET);
    assertEquals(
        "encryptedfs: an unknown option" + NOT_REPEATED + "; did you mean --keystore?",
        typo.err().lines().findFirst().orElseThrow());
    assertFalse(typo.err().contains("--keystroe"), typo.err());
    assertNoSecret(typo);
    // The tool's own name, given to a command without it, is named: nothing the user made up.
    Run elsewhere = cli.run("keys", "list", "-k", keystore, "--create");
    assertEquals(
        "encryptedfs: unknown option --create", elsewhere.err().lines().findFirst().orElseThrow());
    // A command's name mistyped: the command it resembles.
    Run command = cli.run("verfy", "root");
    assertEquals(
        "encryptedfs: 2 arguments not recognised" + NOT_REPEATED + "; did you mean verify?",
        command.err().lines().findFirst().orElseThrow());
  }

  /** A password starting with a dash, after an unknown option, is not taken for an option. */
  @Test
  void aValueThatLooksLikeAnOptionAfterAnUnknownOneIsCounted() {
    assertEquals(
        "an unknown option, and 1 argument more not recognised" + NOT_REPEATED,
        UsageMessage.ofUnmatched(List.of("--pass", "-S3cr3t")));
    assertEquals(
        "2 unknown options, and 2 arguments more not recognised" + NOT_REPEATED,
        UsageMessage.ofUnmatched(List.of("--a=1", "--b", "x", "y!")));
  }

  /**
   * A value of the wrong kind (not a number, not true or false, an empty path, an invalid alias or
   * key policy) is said to be wrong by the option or parameter it was given to, never shown.
   * Before, picocli's message quoted it, as did the keystore's for an alias and the provider's for
   * a rule.
   */
  @Test
  void anInvalidValueIsNamedByItsOptionAndNotShown() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    String keystore = tmp.resolve("ks.p12").toString();
    String pass = CliRunner.writePassword(tmp.resolve("pass"), "x\n").toString();
    Map<List<String>, String> expected = new LinkedHashMap<>();
    expected.put(
        List.of("report", "-k", keystore, "--failures", SECRET),
        "invalid value for option --failures" + NOT_REPEATED + ": not a whole number");
    expected.put(
        List.of("keys", "generate", "x", "-k", keystore, "--current=" + SECRET),
        "invalid value for option --current" + NOT_REPEATED + ": neither true nor false");
    expected.put(
        List.of("keys", "init", "-k", keystore, "--password-file", pass, "--alias", SECRET),
        "invalid value for option --alias"
            + NOT_REPEATED
            + ": not a key alias: use 1 to 128 of a-z 0-9 . _ -, starting with a letter or digit");
    expected.put(
        List.of("keys", "generate", SECRET, "-k", keystore, "--password-file", pass),
        "invalid value for ALIAS"
            + NOT_REPEATED
            + ": not a key alias: use 1 to 128 of a-z 0-9 . _ -, starting with a letter or digit");
    expected.put(
        List.of("verify", "r", "-k", keystore, "--password-file", pass, "--key-policy", SECRET),
        "invalid value for option --key-policy" + NOT_REPEATED + ": rule 1 of 1 is not GLOB=ALIAS");
    expected.put(
        List.of("info", "r", "-k", keystore, "--key-policy", "/a/**=a;" + SECRET + "=b"),
        "invalid value for option --key-policy"
            + NOT_REPEATED
            + ": rule 2 of 2 has a glob that is not an absolute path such as /pii/**");
    expected.put(
        List.of("rewrap", "r", "-k", keystore, "--key-policy", "/" + SECRET + "{=b"),
        "invalid value for option --key-policy"
            + NOT_REPEATED
            + ": rule 1 of 1 has a glob that is not valid: Missing '} at index 12");
    expected.put(
        List.of("report", "-k", keystore, "--failures=-1"), "option --failures must be 0 or more");
    for (Map.Entry<List<String>, String> e : expected.entrySet()) {
      Run run = cli.run(e.getKey().toArray(String[]::new));
      assertEquals(2, run.code(), e.getKey() + ": " + run.err());
      assertEquals(
          "encryptedfs: " + e.getValue(),
          run.err().lines().findFirst().orElseThrow(),
          e.getKey().toString());
      assertNoSecret(run);
    }
    assertFalse(Files.exists(tmp.resolve("ks.p12")), "nothing made");
  }

  /**
   * picocli's other usage errors, said without the values picocli's messages quote: a missing value
   * or argument, an option given twice, options that exclude each other, a value that is not one of
   * an enum's, a map entry not KEY=VALUE. The tool has no enum, group or map option of its own; a
   * command that has them shows that any of picocli's errors is said without a value.
   */
  @Test
  void noneOfPicocliErrorsRepeatsAValue() {
    Map<List<String>, String> expected = new LinkedHashMap<>();
    expected.put(
        List.of("--mode", SECRET),
        "invalid value for option --mode" + NOT_REPEATED + ": not one of FAST, SAFE");
    expected.put(
        List.of("--count", SECRET),
        "invalid value for option --count" + NOT_REPEATED + ": not a whole number");
    expected.put(
        List.of("--ratio", SECRET),
        "invalid value for option --ratio" + NOT_REPEATED + ": not a number");
    expected.put(List.of("--count"), "option --count needs a value (N)");
    expected.put(List.of("--name", "--count"), "option --name needs a value (NAME)");
    expected.put(List.of("--required"), "missing option --name NAME");
    expected.put(
        List.of("--name", SECRET, "--name", SECRET + "2"), "option --name given more than once");
    expected.put(
        List.of("--name", "n", "--a", "--b"),
        "options given together that exclude each other (see --help)");
    expected.put(
        List.of("--name", "n", "--map", SECRET),
        "invalid value for option --map" + NOT_REPEATED + ": not a valid KEY=VALUE");
    expected.put(List.of("--name", "n", "one", SECRET), "1 argument not recognised" + NOT_REPEATED);
    for (Map.Entry<List<String>, String> e : expected.entrySet()) {
      CommandLine cl = new CommandLine(new Sample());
      ParameterException thrown =
          assertThrows(
              ParameterException.class,
              () -> cl.parseArgs(e.getKey().toArray(String[]::new)),
              e.getKey().toString());
      String message = UsageMessage.of(thrown);
      assertEquals(e.getValue(), message, e.getKey() + ": picocli said " + thrown.getMessage());
      assertFalse(message.contains(SECRET), message);
    }
    // The values were there to be echoed: picocli's own messages quote them.
    CommandLine cl = new CommandLine(new Sample());
    ParameterException thrown =
        assertThrows(ParameterException.class, () -> cl.parseArgs("--mode", SECRET));
    assertTrue(thrown.getMessage().contains(SECRET), thrown.getMessage());
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

  @Test
  void aSlipIsTheStartOfANameOrACharacterOrTwoOff() {
    assertTrue(UsageMessage.resembles("--pass", "--password-file"));
    assertTrue(UsageMessage.resembles("--keystroe", "--keystore"));
    assertTrue(UsageMessage.resembles("-K", "-k"));
    assertTrue(UsageMessage.resembles("--audit_fil", "--audit-file"));
    assertFalse(UsageMessage.resembles("-" + SECRET, "--keystore"));
    assertFalse(UsageMessage.resembles("-p", "-k"));
    assertFalse(UsageMessage.resembles("--", "--keystore"));
  }

  private static void assertNoSecret(Run run) {
    assertFalse(run.err().contains(SECRET) || run.out().contains(SECRET), run.err());
  }

  /** A command with the kinds of option the tool has none of. */
  @Command(name = "sample")
  static final class Sample {
    enum Mode {
      FAST,
      SAFE
    }

    @Option(names = "--mode")
    Mode mode;

    @Option(names = "--count", paramLabel = "N")
    int count;

    @Option(names = "--ratio")
    double ratio;

    @Option(names = "--name", required = true, paramLabel = "NAME")
    String name;

    @Option(names = "--required")
    boolean required;

    @Option(names = "--map", paramLabel = "KEY=VALUE")
    Map<String, String> map;

    @ArgGroup(exclusive = true)
    Exclusive exclusive;

    @Parameters(arity = "0..1", paramLabel = "ARG")
    String arg;

    static final class Exclusive {
      @Option(names = "--a")
      boolean a;

      @Option(names = "--b")
      boolean b;
    }
  }
}
