package io.encryptedfs.keystore;

import java.io.IOException;

/** Thrown when a key provider holds no secret key under the requested alias. */
public final class UnknownKeyAliasException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String alias;

  public UnknownKeyAliasException(String source, String alias) {
    super("no secret key with alias '" + alias + "' in " + source);
    this.alias = alias;
  }

  /** The alias that was asked for. */
  public String alias() {
    return alias;
  }
}
