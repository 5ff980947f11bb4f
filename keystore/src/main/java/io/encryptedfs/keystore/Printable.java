package io.encryptedfs.keystore;

/**
 * Text from outside shown in an exception message, such as an alias read from a file's header
 * before anything could authenticate it. A line break in it would forge a line in whatever log the
 * message reaches, and a bidirectional override could disguise what it says, so control, format,
 * separator, unassigned and private-use characters and lone surrogates are shown as Java escapes:
 * {@code \n}, {@code \r}, {@code \t}, otherwise a backslash, {@code u} and four hex digits.
 * Backslashes are doubled, so an escape is never mistaken for typed text. Public so that the
 * encrypted file system's messages (a key alias from a file header, a file name from a directory)
 * are escaped the same way.
 */
public final class Printable {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Printable() {}

  /** {@code text} with every character that could forge or hide a log line escaped. */
  public static String of(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int next = i + Character.charCount(c);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (hidden(c)) {
            for (int j = i; j < next; j++) {
              escape(out, text.charAt(j));
            }
          } else {
            out.appendCodePoint(c);
          }
        }
      }
      i = next;
    }
    return out.toString();
  }

  private static boolean hidden(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
              Character.FORMAT,
              Character.LINE_SEPARATOR,
              Character.PARAGRAPH_SEPARATOR,
              Character.UNASSIGNED,
              Character.PRIVATE_USE,
              Character.SURROGATE ->
          true;
      default -> false;
    };
  }

  private static void escape(StringBuilder out, char c) {
    out.append("\\u")
        .append(HEX[(c >> 12) & 0xf])
        .append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf])
        .append(HEX[c & 0xf]);
  }
}
