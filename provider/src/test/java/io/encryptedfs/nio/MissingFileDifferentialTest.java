package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code Files} call on a file that is not there (its directory missing too) fails or answers
 * as on the default file system, naming the same paths; the views this file system refuses ({@code
 * dos}, {@code user}) are refused as README says.
 */
class MissingFileDifferentialTest {
  private static final Pattern REFUSED = Pattern.compile("(?i).*(dos|user:|userdefined).*");

  @Test
  void everyCallOnAMissingFileGoesAsOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    PlainAndEncrypted.Seen seen =
        PlainAndEncrypted.run(
            tmp,
            dir ->
                FilesSweep.of(
                    dir.resolve("no-dir/.missing"),
                    Files.writeString(dir.resolve("existing"), "keep"),
                    dir.resolve("elsewhere")));
    List<String> refused = new ArrayList<>();
    for (String line : seen.encrypted()) {
      if (REFUSED.matcher(line).matches()) {
        refused.add(line);
        assertTrue(
            line.endsWith(": UnsupportedOperationException") || line.endsWith(": null"), line);
      }
    }
    assertEquals(18, refused.size(), String.join("\n", refused));
    assertEquals(
        String.join("\n", accepted(seen.plain())), String.join("\n", accepted(seen.encrypted())));
  }

  private static List<String> accepted(List<String> lines) {
    return lines.stream().filter(l -> !REFUSED.matcher(l).matches()).toList();
  }
}
