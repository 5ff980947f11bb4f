package io.encryptedfs.keystore;

import java.io.IOException;

/**
 * The checks an operation makes on the aliases it is given against the keystore's contents, before
 * it acts; {@link Aliases} holds the rules an alias must follow whatever the keystore holds. Not
 * thread-safe: {@link Pkcs12KeyStore} serialises access.
 */
final class AliasChecks {
  private final String source;
  private final StoredKeys stored;
  private final KeyCache cache;

  AliasChecks(String source, StoredKeys stored, KeyCache cache) {
    this.source = source;
    this.stored = stored;
    this.cache = cache;
  }

  /**
   * Checks that there is a key under {@code name}, the stored form of {@code requested}.
   *
   * @throws UnknownKeyAliasException if there is none, even in the file read again
   */
  void requireKey(String name, String requested) throws IOException {
    if (!stored.isKey(name)) {
      // Another program may have added it since this object read the file.
      cache.followFile();
      if (!stored.isKey(name)) {
        throw new UnknownKeyAliasException(source, requested);
      }
    }
  }

  /**
   * Checks that no entry, the current-key marker included, is under {@code alias}, even in the file
   * read again.
   */
  void requireUnused(String alias) throws IOException {
    if (stored.entryAliases().contains(alias)) {
      // Another program may have retired it since this object read the file.
      cache.followFile();
      if (stored.entryAliases().contains(alias)) {
        throw new IllegalArgumentException("keystore " + source + " already has alias " + alias);
      }
    }
  }

  /**
   * Checks that there is a key under {@code name}, the stored form of {@code requested}, and that
   * it is not the current key, before it is retired; both in the file read again if this object
   * read it as current.
   */
  void requireRetirable(String name, String requested) throws IOException {
    requireKey(name, requested);
    if (isChosen(name)) {
      // Another program may have made another key current since this object read the file.
      cache.followFile();
      requireKey(name, requested);
      if (isChosen(name)) {
        throw new IllegalStateException(
            "key "
                + name
                + " is the current key of "
                + source
                + "; make another key current first");
      }
    }
  }

  private boolean isChosen(String name) {
    return stored.chosen().filter(name::equals).isPresent();
  }
}
