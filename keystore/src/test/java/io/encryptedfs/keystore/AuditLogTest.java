package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.keystore.AuditEvent.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private final FileSystem fs = Fixtures.unixFileSystem();

  @AfterEach
  void tearDown() throws IOException {
    fs.close();
  }

  /**
   * Each append forces the file; before, nothing forced the new file's entry in its directory, nor
   * the directories made for it, so a power loss could take the file and its forced events.
   */
  @Test
  void aNewFileIsForcedIntoItsDirectoryAndEachDirectoryMadeIntoItsParent() throws IOException {
    Files.createDirectories(fs.getPath("/var"));
    Path file = fs.getPath("/var/log/keys/audit.jsonl");
    List<Path> forced = new ArrayList<>();
    try (AuditLog log = AuditLog.appendingTo(file, forced::add)) {
      log.record(Kind.KEYSTORE_CREATED, "/ks.p12", "master", Map.of());
    }
    assertEquals(
        List.of(fs.getPath("/var/log/keys"), fs.getPath("/var/log"), fs.getPath("/var")), forced);

    forced.clear();
    try (AuditLog log = AuditLog.appendingTo(file, forced::add)) {
      log.record(Kind.KEYSTORE_CREATED, "/ks.p12", "other", Map.of());
    }
    assertEquals(List.of(), forced, "an existing file is an entry already");
    assertEquals(2, Files.readAllLines(file).size());
  }

  @Test
  void eventsBecomeOneJsonLineEach() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("path", "/data/db\n.wal");
    details.put("block", "42");
    AuditEvent event =
        new AuditEvent(
            Instant.parse("2025-01-02T03:04:05Z"),
            Kind.CONTENT_AUTHENTICATION_FAILED,
            "alice",
            1234,
            "/keys/ks.p12",
            "master",
            details);
    assertEquals(
        "{\"time\":\"2025-01-02T03:04:05Z\",\"kind\":\"CONTENT_AUTHENTICATION_FAILED\","
            + "\"level\":\"WARNING\",\"principal\":\"alice\",\"pid\":1234,"
            + "\"keystore\":\"/keys/ks.p12\",\"alias\":\"master\","
            + "\"details\":{\"block\":\"42\",\"path\":\"/data/db\\n.wal\"}}",
        event.toJson());
  }

  @Test
  void absentKeystoreAndAliasAreLeftOut() {
    AuditEvent event = AuditEvent.now(Kind.KEY_UNWRAP_FAILED, null, null, Map.of());
    assertFalse(event.toJson().contains("\"alias\""));
    assertFalse(event.toJson().contains("\"keystore\""));
    assertEquals(System.getProperty("user.name"), event.principal());
    assertEquals(ProcessHandle.current().pid(), event.pid());
  }

  @Test
  void detailsAreCopiedAndNullsRefused() {
    Map<String, String> details = new HashMap<>(Map.of("a", "1"));
    AuditEvent event = AuditEvent.now(Kind.KEY_RETIRED, null, "x", details);
    details.put("b", "2");
    assertEquals(Map.of("a", "1"), event.details());
    Map<String, String> withNull = new HashMap<>();
    withNull.put("a", null);
    assertThrows(
        NullPointerException.class, () -> AuditEvent.now(Kind.KEY_RETIRED, null, "x", withNull));
  }

  @Test
  void callersCanRecordToTheFileAndTheLogger() throws IOException {
    Path file = fs.getPath("/var/log/encryptedfs/audit.jsonl");
    try (AuditCapture capture = new AuditCapture(file)) {
      capture
          .log()
          .record(
              Kind.CONTENT_AUTHENTICATION_FAILED,
              "/keys/ks.p12",
              "master",
              Map.of("path", "/db/x", "block", "7"));
      capture.log().record(Kind.KEY_UNWRAP_FAILED, "/keys/ks.p12", "old", Map.of("path", "/db/y"));
      List<String> lines = capture.fileLines();
      assertEquals(2, lines.size());
      assertEquals(lines, capture.loggedMessages());
      assertTrue(lines.get(0).contains("\"block\":\"7\""), lines.get(0));
      assertEquals(
          List.of(java.util.logging.Level.WARNING, java.util.logging.Level.WARNING),
          capture.loggedRecords().stream().map(r -> r.getLevel()).toList());
    }
    try (AuditLog reopened = AuditLog.appendingTo(file)) {
      reopened.record(Kind.KEY_RETIRED, null, "old", Map.of());
    }
    assertEquals(3, Files.readAllLines(file).size(), "appends, never truncates");
  }

  @Test
  void aLineACrashCutShortIsEndedBeforeTheNextEvent() throws IOException {
    Path file = fs.getPath("/torn.jsonl");
    Files.writeString(file, "{\"kind\":\"KEY_LOADED\",\"al");
    try (AuditLog log = AuditLog.appendingTo(file)) {
      log.record(Kind.KEY_RETIRED, null, "old", Map.of());
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(2, lines.size(), lines.toString());
    assertEquals("{\"kind\":\"KEY_LOADED\",\"al", lines.get(0));
    assertTrue(lines.get(1).startsWith("{") && lines.get(1).contains("KEY_RETIRED"), lines.get(1));
    try (AuditLog again = AuditLog.appendingTo(file)) {
      again.record(Kind.KEY_RETIRED, null, "old", Map.of());
    }
    assertEquals(3, Files.readAllLines(file).size(), "a whole last line gets no blank line");
  }

  @Test
  void aLineCutShortByAFullDiskIsEndedBeforeTheNextEvent() throws IOException {
    Path file = fs.getPath("/full.jsonl");
    FillingChannel channel =
        new FillingChannel(
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 10);
    try (AuditLog log = new AuditLog(file, channel)) {
      log.record(Kind.KEY_LOADED, null, "lost", Map.of());
      channel.room = Long.MAX_VALUE;
      log.record(Kind.KEY_RETIRED, null, "old", Map.of());
      log.record(Kind.KEY_RETIRED, null, "older", Map.of());
    }
    List<String> lines = Files.readAllLines(file);
    assertEquals(3, lines.size(), lines.toString());
    assertEquals("{\"time\":\"2", lines.get(0));
    assertTrue(
        lines.get(1).startsWith("{\"time\"") && lines.get(1).contains("\"old\""), lines.get(1));
    assertTrue(
        lines.get(2).startsWith("{\"time\"") && lines.get(2).contains("\"older\""), lines.get(2));
  }

  /**
   * An audit file named where another file is (the keystore itself, given as the audit file by
   * mistake) is refused and left as it was. Before, a newline and then a JSON line were appended to
   * the keystore, which then no longer opened.
   */
  @Test
  void aFileThatIsNoAuditFileIsRefusedAndLeftAsItWas() throws IOException {
    Path keystore = fs.getPath("/ks.p12");
    char[] password = "correct horse".toCharArray();
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.create(keystore, password)) {
      keys.generateKey("master");
    }
    byte[] before = Files.readAllBytes(keystore);
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> AuditLog.appendingTo(keystore));
    assertEquals(keystore.toString(), e.getFile());
    assertTrue(e.getReason().contains("not an audit file"), e.getReason());
    assertArrayEquals(before, Files.readAllBytes(keystore));
    try (Pkcs12KeyStore keys = Pkcs12KeyStore.open(keystore, password)) {
      assertTrue(keys.aliases().contains("master"));
    }
  }

  @Test
  void aTornLineThatCannotBeEndedIsReportedNamingTheAuditFile() throws IOException {
    FailingFileSystem failing = new FailingFileSystem(fs);
    Path file = failing.getPath("/torn.jsonl");
    Files.writeString(file, "{\"kind\":\"KEY_LOADED\",\"al");
    failing.fail(FailingFileSystem.Op.WRITE, file::equals);
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> AuditLog.appendingTo(file));
    assertEquals(file.toString(), e.getFile());
    assertTrue(e.getReason().contains("No space left on device"), e.getReason());
    assertEquals("{\"kind\":\"KEY_LOADED\",\"al", Files.readString(file));
  }

  @Test
  void recordingAfterCloseDoesNotThrowAndStillLogs() throws IOException {
    try (AuditCapture capture = new AuditCapture(fs.getPath("/audit.jsonl"))) {
      capture.log().close();
      capture.log().record(Kind.KEY_RETIRED, null, "old", Map.of());
      assertEquals(List.of(), capture.fileLines());
      assertTrue(capture.loggedMessages().stream().anyMatch(m -> m.contains("KEY_RETIRED")));
    }
  }

  /**
   * Recording never throws, so a program that must not lose an event asks how many were lost. The
   * tester's audit file on a full device (/dev/full) lost every event with exit 0.
   */
  @Test
  void eachEventNotAppendedIsCountedAndLoggedWithItsKind() throws IOException {
    Path file = fs.getPath("/full.jsonl");
    FillingChannel channel =
        new FillingChannel(
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 0);
    try (AuditCapture capture = new AuditCapture(fs.getPath("/unused.jsonl"))) {
      long before = AuditLog.failedAppends();
      AuditLog log = new AuditLog(file, channel);
      log.record(Kind.KEY_GENERATED, null, "lost", Map.of());
      assertEquals(before + 1, AuditLog.failedAppends());
      log.close();
      log.record(Kind.KEY_RETIRED, null, "lost too", Map.of());
      assertEquals(before + 2, AuditLog.failedAppends());
      AuditLog.systemLogger().record(Kind.KEY_RETIRED, null, "no file", Map.of());
      assertEquals(before + 2, AuditLog.failedAppends(), "a log without a file loses nothing");
      assertTrue(
          capture.loggedMessages().stream()
              .anyMatch(
                  m -> m.equals("cannot append the KEY_GENERATED event to audit file " + file)),
          capture.loggedMessages().toString());
      assertTrue(
          capture.loggedMessages().stream()
              .anyMatch(
                  m ->
                      m.equals(
                          "audit file " + file + " is closed; KEY_RETIRED event not appended")),
          capture.loggedMessages().toString());
    }
  }

  @Test
  void theSystemLoggerOnlyLogIsShared() {
    assertTrue(AuditLog.systemLogger() == AuditLog.systemLogger());
    AuditLog.systemLogger().close();
    AuditLog.systemLogger().record(Kind.KEY_RETIRED, null, "still-usable", Map.of());
  }

  /** A null file failed inside the JDK's path code, a null event or details map unnamed. */
  @Test
  void nullArgumentsAreNamedAtOnce() {
    assertEquals(
        "file",
        assertThrows(NullPointerException.class, () -> AuditLog.appendingTo(null)).getMessage());
    AuditLog log = AuditLog.systemLogger();
    assertEquals(
        "event", assertThrows(NullPointerException.class, () -> log.record(null)).getMessage());
    assertEquals(
        "kind",
        assertThrows(NullPointerException.class, () -> log.record(null, null, "a", Map.of()))
            .getMessage());
    assertEquals(
        "details",
        assertThrows(
                NullPointerException.class, () -> log.record(Kind.KEY_RETIRED, null, "a", null))
            .getMessage());
  }
}
