package io.encryptedfs;

import io.encryptedfs.keystore.Printable;
import java.io.IOException;

/**
 * The master key named in a file's header exists but is not the key that wrapped the file's data
 * key: the file or root was made with another key of the same alias, or its header was altered.
 */
public final class KeyMismatchException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String alias;

  public KeyMismatchException(String path, String alias) {
    super(
        path
            + ": master key '"
            + Printable.of(alias)
            + "' does not unwrap this file's data key"
            + " (made with another key, or the header was altered)");
    this.alias = alias;
  }

  /**
   * The alias of the master key that failed to unwrap the data key: the message shows it escaped.
   */
  public String alias() {
    return alias;
  }
}
