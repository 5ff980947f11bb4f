package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report}: reading the audit file. */
class ReportCommandTest {
  @TempDir Path tmp;
  private CliRunner cli;

  @BeforeEach
  void runner() {
    cli = new CliRunner(tmp);
  }

  /**
   * The report reads the audit file as JSON: a path with a quote, a backslash and a non-ASCII
   * letter comes back as it was, and a line a crash cut short is counted, not misread.
   */
  @Test
  void reportReadsTheAuditFileAsJson() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Files.writeString(
        tmp.resolve("audit.jsonl"),
        "{\"time\":\"2026-12-01T10:00:00Z\",\"kind\":\"CONTENT_AUTHENTICATION_FAILED\","
            + "\"level\":\"WARNING\",\"principal\":\"svc\",\"pid\":7,\"details\":{\"block\":\"3\","
            + "\"path\":\"/a \\\"b\\\" \\\\ \\u00e9\",\"reason\":\"failed authentication\"}}\n"
            + "{\"time\":\"2026-12-01T10:00:01Z\",\"kind\":\"KEY_UNWRAP_FAI\n",
        java.nio.file.StandardOpenOption.APPEND);
    Run report = cli.keys("report");
    assertEquals(0, report.code(), report.err());
    String line = "2026-12-01T10:00:00Z CONTENT_AUTHENTICATION_FAILED /a \"b\" \\ \u00e9 block 3";
    assertTrue(report.out().contains(line), report.out());
    assertTrue(report.out().contains("recent failures: 1"), report.out());
    assertTrue(report.out().contains("1 audit line(s) unreadable"), report.out());
  }

  /** A crash can cut an audit line inside a UTF-8 character: that line is counted, not fatal. */
  @Test
  void reportCountsAnAuditLineCutInsideACharacter() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    String failure =
        "{\"time\":\"2026-12-01T10:00:0%dZ\",\"kind\":\"KEY_UNWRAP_FAILED\",\"details\":{\"path\":"
            + "\"/caf\u00e9%d\"}}\n";
    // A torn line: its last byte is the first of the two that encode \u00e9.
    byte[] torn =
        "{\"time\":\"2026-12-01T10:00:02Z\",\"path\":\"/caf\u00e9".getBytes(StandardCharsets.UTF_8);
    try (var audit = Files.newOutputStream(tmp.resolve("audit.jsonl"), StandardOpenOption.APPEND)) {
      audit.write(String.format(failure, 1, 1).getBytes(StandardCharsets.UTF_8));
      audit.write(torn, 0, torn.length - 1);
      audit.write('\n');
      audit.write(String.format(failure, 3, 3).getBytes(StandardCharsets.UTF_8));
      audit.write(torn, 0, torn.length - 1);
    }
    Run report = cli.keys("report");
    assertEquals(0, report.code(), report.out() + report.err());
    assertTrue(report.out().contains("recent failures: 2"), report.out());
    assertTrue(report.out().contains("2 audit line(s) unreadable"), report.out());
    assertTrue(report.out().contains("KEY_UNWRAP_FAILED /caf\u00e93"), report.out());

    Files.delete(tmp.resolve("audit.jsonl"));
    Files.createDirectory(tmp.resolve("audit.jsonl"));
    Run unreadable = cli.keys("report");
    assertEquals(4, unreadable.code(), unreadable.out() + unreadable.err());
    assertEquals("", unreadable.out(), "no half report");
    assertEquals(
        "encryptedfs: " + tmp.resolve("audit.jsonl") + ": Is a directory",
        unreadable.err().strip());

    Run negative = cli.keys("report", "--failures", "-1");
    assertEquals(2, negative.code(), negative.err());
    assertEquals("", negative.out());
    assertTrue(
        negative.err().startsWith("encryptedfs: option --failures must be 0 or more\n"),
        negative.err());
  }

  /**
   * A missing audit file is an error, not "recent failures: 0": every command given {@code
   * --audit-file} makes it, so a missing one is a mistyped name, and all seeming well is no report.
   */
  @Test
  void aMissingAuditFileIsAnErrorNotNoFailures() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Files.delete(tmp.resolve("audit.jsonl"));
    Run report = cli.keys("report");
    assertEquals(4, report.code(), report.out() + report.err());
    assertEquals("", report.out(), "no half report");
    assertEquals(
        "encryptedfs: "
            + tmp.resolve("audit.jsonl")
            + ": no audit file there to read failures from",
        report.err().strip());
    assertTrue(Files.notExists(tmp.resolve("audit.jsonl")), "the report makes none");

    // Before, opening a root made the audit file first: "recent failures: 0", exit 0.
    Path root = tmp.resolve("root");
    cli.createRoot(root, 4096).close();
    Run withRoot = cli.keys("report", "--root", root.toString());
    assertEquals(4, withRoot.code(), withRoot.out() + withRoot.err());
    assertEquals("", withRoot.out(), "no half report");
    assertTrue(
        withRoot.err().contains("no audit file there to read failures from"), withRoot.err());
    assertTrue(Files.notExists(tmp.resolve("audit.jsonl")), "the report makes none");
  }
}
