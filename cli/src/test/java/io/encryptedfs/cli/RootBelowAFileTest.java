package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ROOT below a regular file ({@code file.txt/root}). {@code encrypt --create}, which makes ROOT
 * and its parents, exited 4 with the JDK's "Not a directory" where {@code decrypt} refuses a
 * PLAIN_DIR it cannot make so with a usage error (exit 2: a file where a directory is expected);
 * now both do. A command that needs ROOT to be there finds none: a missing file, exit 4, as for any
 * missing ROOT.
 */
class RootBelowAFileTest {
  @TempDir static Path tmp;
  private static CliRunner cli;
  private static Path file;
  private static Path plain;

  @BeforeAll
  static void keystore() throws Exception {
    cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    file = Files.writeString(tmp.resolve("file.txt"), "x");
    plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("a.txt"), "a");
  }

  @Test
  void encryptCreateRefusesARootBelowAFileAsDecryptRefusesItsTarget() throws Exception {
    for (Path root : List.of(file.resolve("root"), file.resolve("a/root"))) {
      Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
      assertRefused(encrypt, root + ": cannot be made, as " + file + " is not a directory (ROOT)");
    }
    Path out = file.resolve("out");
    Run decrypt = cli.keys("decrypt", tmp.resolve("root").toString(), out.toString());
    assertRefused(
        decrypt, out + ": cannot be made, as " + file + " is not a directory (PLAIN_DIR)");
    assertEquals("x", Files.readString(file));
    try (Stream<Path> entries = Files.list(tmp)) {
      assertEquals(
          List.of("audit.jsonl", "file.txt", "keys.p12", "pass", "plain"),
          entries.map(p -> p.getFileName().toString()).sorted().toList(),
          "nothing made");
    }
  }

  @Test
  void everyCommandThatNeedsTheRootFindsNoneThere() {
    String root = file.resolve("root").toString();
    List<Run> runs =
        List.of(
            cli.keys("encrypt", plain.toString(), root),
            cli.keys("decrypt", root, tmp.resolve("out").toString()),
            cli.keys("info", root),
            cli.keys("verify", root),
            cli.keys("rewrap", root),
            cli.keys("report", "--root", root),
            cli.keys("keys", "retire", "master", "--root", root));
    for (Run run : runs) {
      assertEquals(4, run.code(), run.out() + run.err());
      assertEquals("encryptedfs: " + root + ": no such file", run.error(), run.err());
    }
  }

  private static void assertRefused(Run run, String message) {
    assertEquals(2, run.code(), run.out() + run.err());
    assertEquals("", run.out(), "nothing before the refusal");
    assertEquals("encryptedfs: " + message, run.err().strip());
  }
}
