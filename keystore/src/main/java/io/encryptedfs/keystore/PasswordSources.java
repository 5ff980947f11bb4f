package io.encryptedfs.keystore;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** The implementations behind {@link PasswordSource}'s factories. */
final class PasswordSources {
  private static final long MAX_FILE_SIZE = 64 * 1024;

  private PasswordSources() {}

  static char[] requireNonEmpty(char[] password, String source) throws IOException {
    if (password.length == 0) {
      throw new IOException("empty password from " + source);
    }
    return password;
  }

  static final class Given implements PasswordSource {
    private final char[] password;

    Given(char[] password) {
      this.password = password;
    }

    @Override
    public char[] read() throws IOException {
      return requireNonEmpty(password.clone(), "the given array");
    }

    @Override
    public String toString() {
      return "PasswordSource[given]";
    }
  }

  record FromFile(Path file) implements PasswordSource {
    @Override
    public char[] read() throws IOException {
      byte[] bytes = KeyStoreFile.read(file, MAX_FILE_SIZE);
      CharBuffer chars = null;
      try {
        chars =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
        return requireNonEmpty(firstLine(chars), "file " + file);
      } catch (CharacterCodingException e) {
        throw new IOException("password file " + file + " is not valid UTF-8");
      } finally {
        Arrays.fill(bytes, (byte) 0);
        if (chars != null && chars.hasArray()) {
          Arrays.fill(chars.array(), '\0');
        }
      }
    }

    private static char[] firstLine(CharBuffer chars) {
      int start = chars.length() > 0 && chars.charAt(0) == '\uFEFF' ? 1 : 0;
      int end = start;
      while (end < chars.length() && chars.charAt(end) != '\n') {
        end++;
      }
      if (end > start && chars.charAt(end - 1) == '\r') {
        end--;
      }
      char[] line = new char[end - start];
      chars.position(start);
      chars.get(line);
      return line;
    }

    @Override
    public String toString() {
      return "PasswordSource[file=" + file + "]";
    }
  }

  record FromEnvironment(String variable) implements PasswordSource {
    @Override
    public char[] read() throws IOException {
      String value = System.getenv(variable);
      if (value == null) {
        throw new IOException("environment variable " + variable + " is not set");
      }
      return requireNonEmpty(value.toCharArray(), "environment variable " + variable);
    }

    @Override
    public String toString() {
      return "PasswordSource[environment=" + variable + "]";
    }
  }

  record FromConsole(String prompt) implements PasswordSource {
    @Override
    public char[] read() throws IOException {
      Console console = System.console();
      if (console == null) {
        throw new IOException(
            "no console to read the keystore password from (standard input or output is not a"
                + " terminal); use a password file or an environment variable instead");
      }
      char[] password = console.readPassword("%s", prompt);
      if (password == null) {
        throw new IOException("end of input at the console before a password was entered");
      }
      return requireNonEmpty(password, "the console");
    }

    @Override
    public String toString() {
      return "PasswordSource[console]";
    }
  }
}
