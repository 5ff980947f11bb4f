package io.encryptedfs.cli;

import io.encryptedfs.keystore.PasswordSource;
import java.io.IOException;

/**
 * Where a password typed by hand comes from: the console, or in tests a script, since a test has no
 * terminal to type at.
 */
interface PasswordPrompt {
  /** The console, without echo; fails cleanly without one. */
  PasswordPrompt CONSOLE = prompt -> PasswordSource.fromConsole(prompt).read();

  /**
   * Asks for a password with {@code prompt}.
   *
   * @return a new, non-empty array that the caller wipes
   * @throws IOException if there is nobody to ask, the input ends, or the password is empty
   */
  char[] read(String prompt) throws IOException;
}
