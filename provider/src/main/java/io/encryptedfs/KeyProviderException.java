package io.encryptedfs;

import java.io.IOException;

/**
 * The keys gave an answer the file system cannot use, and it refused it before anything was made:
 * an alias for new files' key that a file header cannot hold (1 to 128 UTF-8 bytes; a keystore made
 * by {@code keytool} may hold longer ones), named by {@code key.alias}, {@code key.policy} or the
 * keys as their current key; or an answer a {@code KeyProvider} must never give, such as a null
 * key, or an unchecked exception it threw instead of answering (a keystore closed before the file
 * system that uses it), which is then the cause. The message names the keystore or key provider and
 * the alias.
 */
public final class KeyProviderException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String alias;

  /**
   * @param message says which keys answered, the alias, and what is wrong
   * @param alias the alias concerned, or null where the answer named none
   */
  public KeyProviderException(String message, String alias) {
    super(message);
    this.alias = alias;
  }

  /** The alias concerned, as given, or null where the answer named none. */
  public String alias() {
    return alias;
  }
}
