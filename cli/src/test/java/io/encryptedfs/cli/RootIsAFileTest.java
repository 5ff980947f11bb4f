package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regular file given as ROOT is a ROOT that is no root: a usage error (exit 2) naming it, and the
 * file left as it was. It was the provider probe's UnsupportedOperationException, an I/O error
 * (exit 4).
 */
class RootIsAFileTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void keystore() throws Exception {
    cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
  }

  @Test
  void everyCommandTakingARootRefusesAFileWithAUsageError() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(plain.resolve("a.txt"), "a");
    Path out = tmp.resolve("out");
    List<Run> runs =
        List.of(
            cli.keys("info", file.toString()),
            cli.keys("verify", file.toString()),
            cli.keys("rewrap", file.toString()),
            cli.keys("encrypt", plain.toString(), file.toString()),
            cli.keys("encrypt", plain.toString(), file.toString(), "--create"),
            cli.keys("decrypt", file.toString(), out.toString()));
    for (Run run : runs) {
      assertEquals(2, run.code(), run.out() + run.err());
      assertEquals(1, run.err().lines().count(), run.err());
      assertEquals(
          "encryptedfs: "
              + file
              + ": not an encrypted root: not a directory (a root is a directory)",
          run.err().strip());
    }
    assertEquals("x", Files.readString(file));
    try (Stream<Path> entries = Files.list(tmp)) {
      assertEquals(
          List.of("audit.jsonl", "file", "keys.p12", "pass", "plain"),
          entries.map(p -> p.getFileName().toString()).sorted().toList(),
          "no export directory made");
    }
  }
}
