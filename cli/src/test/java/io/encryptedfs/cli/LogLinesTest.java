package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import io.encryptedfs.keystore.AuditLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the library logs as a warning reaches stderr as a line of the tool's: {@code encryptedfs: }
 * and the message, one line whatever it holds. Before, java.util.logging printed two lines, a date
 * and the logging class first ("Dec 06, 2026 ... io.encryptedfs.keystore.AuditLog record", then
 * "WARNING: ..."), without the prefix every other message of the tool has. The library itself logs
 * as before: a handler of the application's own gets every record.
 */
class LogLinesTest {
  @TempDir Path tmp;
  private CliRunner cli;
  private final Logger root = Logger.getLogger("");
  private final List<LogRecord> ownHandlers = new CopyOnWriteArrayList<>();
  private final Handler own =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          ownHandlers.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void keystore() {
    cli = new CliRunner(tmp);
    root.addHandler(own);
  }

  @AfterEach
  void removeHandler() {
    root.removeHandler(own);
  }

  @Test
  void aWarningIsOneLineOfTheTools() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    Path open = Files.writeString(tmp.resolve("open"), "correct horse battery\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Set<Handler> before = Set.of(root.getHandlers());
    Level auditLevel = Logger.getLogger(AuditLog.LOGGER_NAME).getLevel();

    Run list = run("keys", "list", open);
    assertEquals(0, list.code(), list.err());
    assertEquals(
        "encryptedfs: password file "
            + open
            + " grants its group or others access (rw-r--r--); make it owner-only: chmod 600 "
            + open
            + "\n",
        list.err());
    assertTrue(list.out().startsWith("master\t"), "the command's output as before: " + list.out());
    // Routine audit events (INFO: KEYSTORE_OPENED) are not printed, but still logged.
    assertFalse(list.err().contains("KEYSTORE_OPENED"), list.err());

    Path wrong = CliRunner.writePassword(tmp.resolve("wrong"), "wrong password\n");
    Run failed = run("keys", "list", wrong);
    assertEquals(3, failed.code(), failed.err());
    List<String> lines = failed.err().lines().toList();
    assertEquals(2, lines.size(), failed.err());
    assertTrue(
        lines.get(0).startsWith("encryptedfs: {\"time\":\"")
            && lines.get(0).contains("\"kind\":\"KEYSTORE_OPEN_FAILED\"")
            && lines.get(0).endsWith("}"),
        "the event, and only its message: " + lines.get(0));
    assertTrue(lines.get(1).startsWith("encryptedfs: wrong password for keystore"), lines.get(1));

    assertTrue(
        ownHandlers.stream().anyMatch(r -> r.getMessage().contains("KEYSTORE_OPEN_FAILED")),
        "the library logs as before");
    assertEquals(before, Set.of(root.getHandlers()), "java.util.logging's handlers restored");
    assertEquals(auditLevel, Logger.getLogger(AuditLog.LOGGER_NAME).getLevel());
  }

  /** A line break in what is logged (a file's name) cannot make a line of its own. */
  @Test
  void aForgedLineBreakInAWarningIsEscaped() throws Exception {
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    String forged = "WARNING: the keystore is damaged, delete it";
    Path open = Files.writeString(tmp.resolve("pw\n" + forged), "correct horse battery\n");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    Run list = run("keys", "list", open);
    assertEquals(0, list.code(), list.err());
    assertEquals(1, list.err().lines().count(), list.err());
    assertTrue(list.err().startsWith("encryptedfs: password file "), list.err());
    assertTrue(list.err().contains("pw\\n" + forged), list.err());
    assertFalse(list.err().lines().anyMatch(l -> l.startsWith("WARNING")), list.err());
  }

  @Test
  void aRecordsReasonIsOnItsLine() {
    LogRecord record = new LogRecord(Level.WARNING, "closing {0} failed");
    record.setParameters(new Object[] {"/a\nb"});
    record.setThrown(new IOException("No space left on device"));
    assertEquals(
        "encryptedfs: closing /a\\nb failed: No space left on device", LogLines.line(record));
  }

  private Run run(String command, String sub, Path passwordFile) {
    return cli.run(
        command,
        sub,
        "-k",
        tmp.resolve("keys.p12").toString(),
        "--password-file",
        passwordFile.toString());
  }
}
