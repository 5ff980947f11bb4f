package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {

  private static String quote(String value) {
    return Json.quote(new StringBuilder(), value).toString();
  }

  @Test
  void plainTextIsQuotedAsIs() {
    assertEquals("\"master-20250101-120000\"", quote("master-20250101-120000"));
    assertEquals("\"\"", quote(""));
    assertEquals("\"caf\u00e9 \u6f22\"", quote("caf\u00e9 \u6f22"));
    assertEquals("\"/tmp/a b/\u00fc.p12\"", quote("/tmp/a b/\u00fc.p12"));
  }

  @Test
  void quotesAndBackslashesAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\"", quote("a\"b\\c"));
    assertEquals("\"C:\\\\keys\\\\ks.p12\"", quote("C:\\keys\\ks.p12"));
  }

  @Test
  void controlCharactersCannotForgeLines() {
    assertEquals("\"a\\nb\\rc\\td\\be\\ff\"", quote("a\nb\rc\td\be\ff"));
    assertEquals("\"\\u0000\\u001f\\u007f\"", quote("\u0000\u001f\u007f"));
    assertEquals("\"x\\u2028y\\u2029z\"", quote("x\u2028y\u2029z"));
    assertEquals(
        "\"evil\\n{\\\"kind\\\":\\\"KEY_RETIRED\\\"}\"", quote("evil\n{\"kind\":\"KEY_RETIRED\"}"));
  }

  @Test
  void surrogatePairsPassAndLoneSurrogatesAreEscaped() {
    String emoji = new String(Character.toChars(0x1f511));
    assertEquals("\"" + emoji + "\"", quote(emoji));
    assertEquals("\"\\ud83d!\"", quote("\ud83d!"));
    assertEquals("\"!\\udd11\"", quote("!\udd11"));
    assertEquals("\"\\udd11\\ud83d\"", quote("\udd11\ud83d"));
  }
}
