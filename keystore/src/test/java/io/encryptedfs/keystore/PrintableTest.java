package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void ordinaryTextIsShownAsItIs() {
    assertEquals("master-20250304 ü 鍵 😀 'x'", Printable.of("master-20250304 ü 鍵 😀 'x'"));
  }

  @Test
  void lineBreaksAndControlCharactersAreEscaped() {
    assertEquals(
        "x\\n2030-01-01 INFO forged\\r\\t\\u0000\\u001b[31m\\u007f\\u0085",
        Printable.of("x\n2030-01-01 INFO forged\r\t\u0000\u001b[31m\u007f\u0085"));
  }

  @Test
  void separatorsFormatCharactersAndLoneSurrogatesAreEscaped() {
    assertEquals(
        "a\\u2028b\\u2029c\\u202ed\\u200be\\ud800f\\udc00",
        Printable.of("a\u2028b\u2029c\u202ed\u200be\ud800f\udc00"));
    // A format character outside the BMP (a tag character) is escaped as its two surrogates.
    assertEquals("\\udb40\\udc01", Printable.of("\udb40\udc01"));
  }

  @Test
  void backslashesAreDoubledSoEscapesCannotBeTyped() {
    assertEquals("x\\\\n", Printable.of("x\\n"));
    assertEquals("null", Printable.of(null));
  }
}
