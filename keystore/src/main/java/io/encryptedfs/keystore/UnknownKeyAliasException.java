package io.encryptedfs.keystore;

import java.io.IOException;

/**
 * Thrown when a key provider holds no secret key under the requested alias, or under the alias a
 * keystore marks as current.
 */
public final class UnknownKeyAliasException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String alias;

  public UnknownKeyAliasException(String source, String alias) {
    this("no secret key with alias '" + Printable.of(alias) + "' in " + source, alias, null);
  }

  private UnknownKeyAliasException(String message, String alias, Throwable cause) {
    super(message, cause);
    this.alias = alias;
  }

  /** The keystore {@code source} marks as current an {@code alias} under which it holds no key. */
  static UnknownKeyAliasException markedCurrent(String source, String alias) {
    return new UnknownKeyAliasException(
        "the current-key marker of keystore "
            + source
            + " names '"
            + Printable.of(alias)
            + "', which is not a key in it; make one of its keys current",
        alias,
        null);
  }

  /**
   * This exception with {@code context} (the path of a file that needed the key, say) before its
   * message: the same alias, this as its cause.
   */
  public UnknownKeyAliasException in(String context) {
    return new UnknownKeyAliasException(context + ": " + getMessage(), alias, this);
  }

  /** The alias that was asked for, as it was given: the message shows it escaped. */
  public String alias() {
    return alias;
  }
}
