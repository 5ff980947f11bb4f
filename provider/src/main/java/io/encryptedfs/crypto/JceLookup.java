package io.encryptedfs.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.Provider;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * Makes JCE objects for one algorithm name from the provider that last served it. {@code
 * getInstance} by name alone walks the installed providers on every call, and a file's create and
 * open each make several such objects (about 4 % of creating and reading back a small file); asking
 * the remembered provider skips the walk. A {@link Provider} holds no key. Objects made here are
 * new, initialised only by the caller's key, and not kept.
 *
 * <p>The name alone lets the JCE pick a provider by key, so a key the remembered provider refuses
 * (one only another provider handles, such as a hardware token's) goes to the lookup by name, as
 * before. Providers installed after the first lookup are not consulted for that name until such a
 * refusal.
 */
final class JceLookup {
  private final String algorithm;
  private volatile Provider provider;

  JceLookup(String algorithm) {
    this.algorithm = algorithm;
  }

  /** A new {@code Cipher} initialised with {@code key} in {@code mode}. */
  Cipher cipher(int mode, Key key) throws GeneralSecurityException {
    return initialised(
        p -> p == null ? Cipher.getInstance(algorithm) : Cipher.getInstance(algorithm, p),
        cipher -> cipher.init(mode, key),
        Cipher::getProvider);
  }

  /** A new {@code Mac} initialised with {@code key}. */
  Mac mac(Key key) throws GeneralSecurityException {
    return initialised(
        p -> p == null ? Mac.getInstance(algorithm) : Mac.getInstance(algorithm, p),
        mac -> mac.init(key),
        Mac::getProvider);
  }

  /** Makes a JCE object from {@code provider}, or by name alone when that is null. */
  private interface Maker<T> {
    T make(Provider provider) throws GeneralSecurityException;
  }

  /** Initialises a JCE object with the caller's key. */
  private interface Initialiser<T> {
    void init(T made) throws GeneralSecurityException;
  }

  private <T> T initialised(Maker<T> maker, Initialiser<T> initialiser, Function<T, Provider> from)
      throws GeneralSecurityException {
    Provider known = provider;
    if (known != null) {
      T made = maker.make(known);
      try {
        initialiser.init(made);
        return made;
      } catch (InvalidKeyException refused) {
        // another provider may take this key: the lookup by name below finds it
      }
    }
    T made = maker.make(null);
    initialiser.init(made);
    provider = from.apply(made);
    return made;
  }
}
