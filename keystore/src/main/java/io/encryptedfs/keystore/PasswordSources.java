package io.encryptedfs.keystore;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntFunction;

/** The implementations behind {@link PasswordSource}'s factories. */
final class PasswordSources {
  private static final System.Logger LOG = System.getLogger(PasswordSources.class.getName());
  private static final long MAX_FILE_SIZE = 64 * 1024;

  private PasswordSources() {}

  static char[] requireNonEmpty(char[] password, String source)
      throws PasswordUnavailableException {
    if (password.length == 0) {
      throw new PasswordUnavailableException("empty password from " + source);
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
      char[] password =
          decodeFirstLine(KeyStoreFile.read(file, MAX_FILE_SIZE), file, CharBuffer::allocate);
      warnIfOthersMayRead(file);
      return password;
    }

    /**
     * Whoever may read the password file holds every key of the keystore, however that is kept, so
     * its being open to others is said as the keystore's is. Checked once the file was read, so
     * that a file that cannot be read fails as before; a pipe has no permissions worth naming.
     */
    private static void warnIfOthersMayRead(Path file) {
      String permissions;
      try {
        if (!Files.isRegularFile(file)) {
          return;
        }
        permissions = OwnerOnly.openToOthers(file);
      } catch (IOException | RuntimeException e) {
        return; // read all the same; a check that cannot be made is no reason to refuse it
      }
      if (permissions != null) {
        LOG.log(
            System.Logger.Level.WARNING,
            "password file "
                + file
                + " grants its group or others access ("
                + permissions
                + "); make it owner-only: chmod 600 "
                + file);
      }
    }

    /**
     * The first line of {@code bytes}, read from {@code file}, as UTF-8. Wipes {@code bytes}.
     *
     * @param buffers allocates the one buffer the characters are decoded into, which is wiped
     *     whatever happens; a test hook
     */
    static char[] decodeFirstLine(byte[] bytes, Path file, IntFunction<CharBuffer> buffers)
        throws IOException {
      CharsetDecoder decoder =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      // Into a buffer of ours, big enough for any input: CharsetDecoder.decode(ByteBuffer) decodes
      // into one of its own, and when it fails part-way it drops that buffer with the password's
      // first characters in it, beyond reach of any wiping.
      CharBuffer chars =
          buffers.apply((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()));
      try {
        CoderResult result = decoder.decode(ByteBuffer.wrap(bytes), chars, true);
        if (result.isUnderflow()) {
          result = decoder.flush(chars);
        }
        if (result.isError()) {
          throw new PasswordFileException(file.toString(), "password file is not valid UTF-8");
        }
        if (result.isOverflow()) {
          throw new IllegalStateException("UTF-8 decoded to more than maxCharsPerByte allows");
        }
        chars.flip();
        char[] password = firstLine(chars);
        if (password.length == 0) {
          throw new PasswordFileException(
              file.toString(), "password file's first line, the password, is empty");
        }
        return password;
      } finally {
        Arrays.fill(bytes, (byte) 0);
        chars.clear();
        while (chars.hasRemaining()) {
          chars.put('\0');
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
      return password(variable, System.getenv(variable));
    }

    /** The password in {@code value}, the variable's value (null if unset). */
    static char[] password(String variable, String value) throws PasswordUnavailableException {
      if (value == null) {
        throw new PasswordUnavailableException("environment variable " + variable + " is not set");
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
        throw new PasswordUnavailableException(
            "no console to read the keystore password from (standard input or output is not a"
                + " terminal); use a password file or an environment variable instead");
      }
      return typed(console.readPassword("%s", prompt));
    }

    /** The password in {@code password}, as the console read it (null at end of input). */
    static char[] typed(char[] password) throws PasswordUnavailableException {
      if (password == null) {
        throw new PasswordUnavailableException(
            "end of input at the console before a password was entered");
      }
      return requireNonEmpty(password, "the console");
    }

    @Override
    public String toString() {
      return "PasswordSource[console]";
    }
  }
}
