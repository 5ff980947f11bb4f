package io.encryptedfs.keystore;

import java.util.Objects;

/** The checks a keystore password must pass before a keystore takes its copy of it. */
final class KeystorePassword {
  private KeystorePassword() {}

  /**
   * A copy of {@code password} for a keystore to keep, once it is known to be one the JDK can use.
   *
   * @throws IllegalArgumentException if it is empty or not printable ASCII
   */
  static char[] copyOf(char[] password) {
    Objects.requireNonNull(password, "password");
    if (password.length == 0) {
      throw new IllegalArgumentException("the keystore password must not be empty");
    }
    for (char c : password) {
      // The JDK's PKCS#12 code derives its PBE keys through SecretKeyFactory "PBE", which
      // rejects anything else; saying so here beats a "calculateMac failed" deep in a write.
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            "the keystore password must be printable ASCII (the JDK's PKCS#12 keystore accepts"
                + " nothing else)");
      }
    }
    return password.clone();
  }
}
