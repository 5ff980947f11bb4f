package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a keystore password comes from.
 *
 * <p>Each {@link #read()} returns a fresh array that the caller owns and should wipe with {@code
 * Arrays.fill(password, '\0')} as soon as it is done with it:
 *
 * <pre>{@code
 * char[] password = PasswordSource.fromFile(Path.of("/etc/myapp/keystore.pass")).read();
 * try {
 *   keys = Pkcs12KeyStore.open(Path.of("/etc/myapp/keys.p12"), password);
 * } finally {
 *   Arrays.fill(password, '\0');
 * }
 * }</pre>
 *
 * <p>Sources never reveal the password in {@code toString()} or in exception messages.
 */
public interface PasswordSource {

  /**
   * Reads the password.
   *
   * @return a new array holding the password, never empty
   * @throws PasswordUnavailableException if the source has no password to give: a variable not set
   *     or empty, no console, input that ended, an empty password typed or given
   * @throws PasswordFileException if a password file was read but its first line is empty or it is
   *     not UTF-8
   * @throws IOException if a password file cannot be read (a {@link
   *     java.nio.file.FileSystemException} naming it)
   */
  char[] read() throws IOException;

  /**
   * A password the caller already holds. The source reads from {@code password} each time, does not
   * copy it, and leaves wiping it to the caller.
   */
  static PasswordSource of(char[] password) {
    Objects.requireNonNull(password, "password");
    return new PasswordSources.Given(password);
  }

  /**
   * The first line of a UTF-8 text file, without its line terminator ({@code \n} or {@code \r\n})
   * and without a leading byte-order mark; all other characters, spaces included, count. Keep the
   * file readable by its owner only.
   */
  static PasswordSource fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new PasswordSources.FromFile(file);
  }

  /**
   * The value of an environment variable. Java cannot wipe the {@link String} the JDK returns for
   * it, and the process environment may be visible to the same user; prefer a file for services.
   * Reading a variable that is not set or is empty throws {@link PasswordUnavailableException}
   * naming it.
   */
  static PasswordSource fromEnvironment(String variable) {
    Objects.requireNonNull(variable, "variable");
    return new PasswordSources.FromEnvironment(variable);
  }

  /**
   * A password typed at the console, without echo. Fails with a clear message when the JVM has no
   * console (standard input or output redirected, as under a service manager or a build tool): a
   * {@link PasswordUnavailableException}, as when the input ends or the password typed is empty.
   */
  static PasswordSource fromConsole(String prompt) {
    Objects.requireNonNull(prompt, "prompt");
    return new PasswordSources.FromConsole(prompt);
  }
}
