package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux names are bytes; the JDK decodes those its file name encoding cannot read into U+FFFD.
 * Before, {@code encrypt} copied {@code a\xFF} and {@code a\xFE} both to {@code a\uFFFD}, the
 * second over the first, and said it had encrypted both (exit 0): delete the plain tree and one is
 * lost.
 */
class UndecodedNamesTest {
  @TempDir Path tmp;

  @Test
  void encryptFailsNamesItCannotDecodeInsteadOfCopyingThemElsewhere() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("ok.txt"), "fine");
    sh(
        plain,
        "printf first > \"$(printf 'a\\377')\" && printf second > \"$(printf 'a\\376')\""
            + " && mkdir \"$(printf 'd\\377')\" && printf inner > \"$(printf 'd\\377')/x\"");
    Path root = tmp.resolve("root");

    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");

    String o = encrypt.out();
    long failedLines =
        o.lines()
            .filter(l -> l.contains(") is not valid in this JVM's file name encoding"))
            .count();
    assertAll(
        () -> assertEquals(1, encrypt.code(), o + encrypt.err()),
        () -> assertEquals(3, failedLines, o),
        () -> assertTrue(o.contains("(as bytes, percent-encoded: a%FE)"), o),
        () -> assertTrue(o.contains("(as bytes, percent-encoded: d%FF)"), o),
        () -> assertTrue(o.contains("not copied, nor what it holds"), o),
        () -> assertTrue(o.contains("encrypted 1, already done 0, failed 3"), o));
    try (FileSystem fs = cli.openRoot(root);
        Stream<Path> all = Files.walk(fs.getPath("/"))) {
      assertEquals(List.of("/", "/ok.txt"), all.map(Path::toString).sorted().toList());
    }
  }

  private static void sh(Path dir, String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), err);
  }
}
