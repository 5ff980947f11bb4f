package io.encryptedfs.keystore;

import java.time.Instant;
import java.util.Objects;

/**
 * What a keystore says about one master key; never the key itself.
 *
 * @param alias the key's alias, in the lower case the keystore stores it in
 * @param created when the key entry was written to the keystore
 * @param current whether new files use this key
 */
public record KeyInfo(String alias, Instant created, boolean current) {
  /** Rejects null fields. */
  public KeyInfo {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(created, "created");
  }
}
