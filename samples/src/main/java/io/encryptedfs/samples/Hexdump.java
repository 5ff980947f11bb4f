package io.encryptedfs.samples;

/** Prints cleartext and raw bytes side by side, 16 bytes a row. */
final class Hexdump {
  private Hexdump() {}

  static void sideBySide(byte[] clear, byte[] raw, int rawOffset, int length) {
    System.out.printf(
        "   %-8s %-48s | %-8s %s%n", "clear@", "cleartext", "raw@", "ciphertext on disk");
    for (int row = 0; row < length; row += 16) {
      System.out.printf(
          "   %08x %-48s | %08x %s%n",
          row, hex(clear, row, 16), rawOffset + row, hex(raw, rawOffset + row, 16));
    }
    System.out.printf(
        "   %-8s %-48s |%n", "", "\"" + printable(clear, 0, Math.min(length, 48)) + "...\"");
  }

  private static String hex(byte[] b, int from, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < Math.min(b.length, from + n); i++) {
      sb.append(String.format("%02x ", b[i]));
    }
    return sb.toString();
  }

  private static String printable(byte[] b, int from, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < Math.min(b.length, from + n); i++) {
      char c = (char) (b[i] & 0xff);
      sb.append(c >= 32 && c < 127 ? c : '.');
    }
    return sb.toString();
  }
}
