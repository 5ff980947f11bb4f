package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A key change is in the audit trail before it is in place: {@code KEY_CHANGE_BEGUN}, appended and
 * forced before the rename, and then the events of its outcome, carrying the same {@code write} id.
 * Before, the outcome was the only record, appended after the rename, so a process killed between
 * the two had changed the keys with nothing in the trail.
 */
class ChangeBegunTest {
  private static final Pattern WRITE = Pattern.compile("\"write\":\"([0-9a-f]{16})\"");

  /** Where the process dies: an error no catch of the module handles, as in a kill. */
  private static final class Killed extends Error {
    Killed() {
      super("killed", null, false, false);
    }
  }

  @Test
  void aKillBetweenTheRenameAndItsEventsLeavesTheChangeInTheTrail() throws Exception {
    try (FileSystem fs = Fixtures.unixFileSystem();
        AuditCapture audit = new AuditCapture(fs.getPath("/audit.jsonl"))) {
      Path file = fs.getPath("/ks.p12");
      try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
        keys.generateKey("old");
        keys.generateKey("master");
        keys.setCurrent("master");
      }
      int before = audit.fileLines().size();
      Logger logger = Logger.getLogger(AuditLog.LOGGER_NAME);
      Handler kill = killAtThe("KEY_RETIRED");
      logger.addHandler(kill);
      try (Pkcs12KeyStore keys = Fixtures.open(file, audit.log())) {
        assertThrows(Killed.class, () -> keys.retire("old"));
      } finally {
        logger.removeHandler(kill);
      }

      try (Pkcs12KeyStore reopened = Fixtures.open(file, audit.log())) {
        assertEquals(Set.of("master"), reopened.aliases(), "the change is in place");
      }
      List<String> after = audit.fileLines().subList(before, audit.fileLines().size());
      List<String> kinds = after.stream().map(AuditCapture::kind).toList();
      assertEquals(
          List.of("KEYSTORE_OPENED", "KEY_CHANGE_BEGUN", "KEYSTORE_OPENED"),
          kinds,
          after::toString);
      String begun = after.get(1);
      assertTrue(begun.contains("\"alias\":\"old\""), begun);
      assertTrue(begun.contains("\"change\":\"KEY_RETIRED\""), begun);
      assertTrue(WRITE.matcher(begun).find(), begun);
    }
  }

  @Test
  void eachChangeIsBegunThenRecordedUnderOneWriteId() throws Exception {
    try (FileSystem fs = Fixtures.unixFileSystem();
        AuditCapture audit = new AuditCapture(fs.getPath("/audit.jsonl"))) {
      Path file = fs.getPath("/ks.p12");
      try (Pkcs12KeyStore keys = Fixtures.create(file, audit.log())) {
        keys.generateKey("master");
        keys.generateKey("second");
        String rotated = keys.rotate();
        keys.setCurrent("master");
        keys.retire(rotated);
      }
      List<String> lines = audit.fileLines();
      List<String> changes =
          lines.stream().filter(l -> !AuditCapture.kind(l).startsWith("KEYSTORE_")).toList();
      assertEquals(
          List.of(
              "KEY_CHANGE_BEGUN",
              "KEY_GENERATED", // master, the first: current
              "KEY_CHANGE_BEGUN",
              "KEY_GENERATED",
              "KEY_CHANGE_BEGUN",
              "KEY_GENERATED",
              "KEY_ROTATED",
              "KEY_CHANGE_BEGUN",
              "CURRENT_KEY_CHANGED",
              "KEY_CHANGE_BEGUN",
              "KEY_RETIRED"),
          changes.stream().map(AuditCapture::kind).toList(),
          lines::toString);
      String write = null;
      for (String line : changes) {
        Matcher m = WRITE.matcher(line);
        assertTrue(m.find(), line);
        if (AuditCapture.kind(line).equals("KEY_CHANGE_BEGUN")) {
          assertFalse(m.group(1).equals(write), "a new id for each change: " + line);
          write = m.group(1);
        } else {
          assertEquals(write, m.group(1), line);
        }
      }
      assertTrue(
          changes.get(4).contains("\"change\":\"KEY_GENERATED,KEY_ROTATED\""), lines::toString);
      assertTrue(changes.get(4).contains("\"previous\":\"master\""), lines::toString);
      assertFalse(audit.everything().contains(Fixtures.PASSWORD));
    }
  }

  private static Handler killAtThe(String kind) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getMessage().contains("\"kind\":\"" + kind + "\"")) {
          throw new Killed();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}
