package io.encryptedfs.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.nio.KeyRotation.RewrapReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRotationDemoTest {
  private static final String MARKER = "/.encryptedfs";

  @TempDir Path tmp;

  @Test
  void rotatesRewrapsRetiresAndReadsBackWithAnAuditTrail() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    KeyRotationDemo.Outcome outcome;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      outcome = KeyRotationDemo.run(tmp, out);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    String oldKey = KeyRotationDemo.FIRST_KEY;
    String newKey = outcome.newKey();

    // Before the rewrap: the marker and the five files written first name the old key, the file
    // written after the rotation the new one.
    List<String> firstFiles = new ArrayList<>(List.of(MARKER));
    outcome.written().keySet().stream()
        .filter(p -> !p.equals("/patients/p-0005.json"))
        .forEach(firstFiles::add);
    firstFiles.sort(null);
    assertEquals(
        Map.of(oldKey, firstFiles, newKey, List.of("/patients/p-0005.json")),
        outcome.usageBefore());
    assertEquals(firstFiles, outcome.refusedWhileInUse());

    RewrapReport report = outcome.report();
    assertEquals(6, report.rewrapped(), text);
    assertEquals(1, report.unchanged(), text);
    assertEquals(List.of(), report.skipped());
    assertEquals(List.of(), report.failed());
    assertEquals(List.of(), report.damaged());
    assertEquals(List.of(), outcome.oldKeyUsers());
    assertEquals(List.of(newKey), outcome.keysAfter());

    assertEquals(6, outcome.readBack().size());
    assertEquals(outcome.written(), outcome.readBack());
    String raw =
        new String(
            Files.readAllBytes(tmp.resolve("data/patients/p-0001.json")),
            StandardCharsets.ISO_8859_1);
    assertFalse(raw.contains("diagnosis"), "cleartext on disk");

    List<String> kinds = new ArrayList<>();
    TreeSet<String> rewrappedPaths = new TreeSet<>();
    for (String line : outcome.auditLines()) {
      String summary = KeyRotationDemo.summary(line);
      kinds.add(summary.substring(0, summary.indexOf(' ')));
      if (line.contains("\"kind\":\"FILE_REWRAPPED\"")) {
        assertTrue(line.contains("\"alias\":\"" + newKey + "\""), line);
        assertTrue(line.contains("\"previous\":\"" + oldKey + "\""), line);
        rewrappedPaths.add(line.replaceAll(".*\"path\":\"([^\"]*)\".*", "$1"));
      }
      if (line.contains("\"kind\":\"KEY_RETIRED\"")) {
        assertTrue(line.contains("\"alias\":\"" + oldKey + "\""), line);
      }
    }
    assertEquals(new TreeSet<>(firstFiles), rewrappedPaths);
    int rotated = kinds.indexOf("KEY_ROTATED");
    int retired = kinds.indexOf("KEY_RETIRED");
    assertTrue(rotated >= 0 && retired > rotated, kinds.toString());
    assertEquals(
        6, kinds.subList(rotated, retired).stream().filter("FILE_REWRAPPED"::equals).count());
    assertTrue(kinds.indexOf("KEYSTORE_CREATED") == 0, kinds.toString());

    assertTrue(text.contains("rewrapped 6, unchanged 1, skipped 0, failed 0, damaged 0"), text);
    assertTrue(text.contains("Reopened and read back 6 files; all as written: true"), text);
  }
}
