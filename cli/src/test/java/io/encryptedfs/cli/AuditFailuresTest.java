package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.encryptedfs.cli.CliRunner.Run;
import io.encryptedfs.keystore.AuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit file that cannot be appended to, on a full device ({@code /dev/full}): each lost event
 * is one line naming it, the file and why, and the run exits 4 once its work is done. Before, the
 * events were lost with exit 0 and a stack trace on stderr.
 */
class AuditFailuresTest {
  private static final Path FULL = Path.of("/dev/full");
  private static final String LOST = "cannot append the %s event to audit file " + FULL;

  @TempDir Path tmp;
  private CliRunner cli;
  // Held strongly: java.util.logging forgets loggers nobody references.
  private final Logger audit = Logger.getLogger(AuditLog.LOGGER_NAME);
  private final List<LogRecord> withStackTrace = new CopyOnWriteArrayList<>();
  private final Handler console =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getThrown() != null) {
            withStackTrace.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void keystore() throws Exception {
    assumeTrue(Files.isWritable(FULL), "a device that is always full");
    cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    audit.addHandler(console);
  }

  @AfterEach
  void removeHandler() {
    audit.removeHandler(console);
  }

  @Test
  void aKeyCommandDoesItsWorkThenExitsFourNamingEachLostEvent() {
    Run generate = run("keys", "generate", "second");
    assertEquals(4, generate.code(), generate.out() + generate.err());
    assertTrue(generate.out().contains("generated key second"), generate.out());
    assertTrue(
        generate.err().contains("encryptedfs: " + String.format(LOST, "KEY_GENERATED") + ": "),
        generate.err());
    assertTrue(generate.err().lines().allMatch(l -> l.startsWith("encryptedfs: ")), generate.err());
    assertTrue(
        generate
            .err()
            .strip()
            .endsWith(
                "not appended to the audit file, each named above; the command's work is"
                    + " done, but the audit trail lacks them"),
        generate.err());
    assertEquals(List.of(), withStackTrace, "no stack trace for the console");
    assertTrue(cli.keys("keys", "list").out().contains("second"), "the key was made");
  }

  @Test
  void aRootCommandsLostEventsCountToo() throws Exception {
    Path root = tmp.resolve("root");
    cli.createRoot(root, 4096).close();
    Run info = run("info", root.toString());
    assertEquals(4, info.code(), info.out() + info.err());
    assertTrue(info.err().contains(String.format(LOST, "KEYSTORE_OPENED")), info.err());
    assertEquals(List.of(), withStackTrace, "no stack trace for the console");
  }

  private Run run(String... command) {
    List<String> args = new java.util.ArrayList<>(List.of(command));
    args.addAll(
        List.of(
            "-k",
            tmp.resolve("keys.p12").toString(),
            "--password-file",
            tmp.resolve("pass").toString(),
            "--audit-file",
            FULL.toString()));
    return cli.run(args.toArray(String[]::new));
  }
}
