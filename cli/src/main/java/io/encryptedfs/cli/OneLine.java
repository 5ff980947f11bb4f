package io.encryptedfs.cli;

/**
 * Text from outside (a file's name, an alias a keytool keystore holds, a path from the audit file)
 * in one line of the tool's output. Printed as it is, a line break in a name would forge a line of
 * its own ("OK: 3 file(s) verified, 0 damaged"), and a carriage return or a terminal escape would
 * overwrite or hide one; so control, format and separator characters are shown as Java escapes
 * ({@code \n}, {@code \r}, {@code \t}, else a backslash, {@code u} and four hex digits).
 * Backslashes themselves stay as they are, so that ordinary names read as before: a name typed with
 * a backslash and an {@code n} reads like one with a line break, but neither can make a line.
 */
final class OneLine {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private OneLine() {}

  static String of(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!hidden(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default ->
            out.append("\\u")
                .append(HEX[(c >> 12) & 15])
                .append(HEX[(c >> 8) & 15])
                .append(HEX[(c >> 4) & 15])
                .append(HEX[c & 15]);
      }
    }
    return out == null ? text : out.toString();
  }

  private static boolean hidden(char c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
              Character.FORMAT,
              Character.LINE_SEPARATOR,
              Character.PARAGRAPH_SEPARATOR ->
          true;
      default -> false;
    };
  }
}
