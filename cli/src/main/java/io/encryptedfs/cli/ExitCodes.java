package io.encryptedfs.cli;

/** The tool's exit statuses; documented in cli/README.md and in {@code --help}. */
final class ExitCodes {
  static final int OK = 0;

  /** Damage found: a file or block failed authentication, or a file could not be processed. */
  static final int DAMAGE = 1;

  static final int USAGE = 2;

  /**
   * Wrong, unavailable, empty or non-ASCII password, two typed passwords that differ, unknown key,
   * key mismatch, or a key still in use.
   */
  static final int KEY = 3;

  static final int IO = 4;

  /**
   * Done, but for what was left out on purpose and named: a root nested in the one copied from or
   * into, a plain file whose name is reserved for root markers, a symbolic link whose target an
   * encrypted root cannot hold, a fifo, socket or device, a link found at an entry's place in the
   * copy (or an entry at a link's). Damage (1) takes precedence.
   */
  static final int INCOMPLETE = 5;

  static final String HELP =
      "Exit codes: 0 ok, 1 damage found, 2 usage error, 3 key or password error, 4 I/O error,"
          + " 5 done but something named left out (a nested root, a name reserved for root"
          + " markers, a link or a special file that cannot be copied).";

  private ExitCodes() {}
}
