package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Records in the keystore itself which alias is current, i.e. wraps the data keys of new files.
 *
 * <p>The marker is a secret-key entry under the reserved alias {@value #ALIAS}, which no key alias
 * can take because key aliases may not contain a colon. Its "key" is the UTF-8 name of the current
 * alias and its algorithm is {@value #ALGORITHM}, a UUID-based OID (X.667) minted for this marker,
 * so no tool mistakes it for an AES key. Keeping it in the keystore means the integrity MAC covers
 * it and a keystore copied elsewhere keeps its current key.
 *
 * <p>The marker is stored with the same PBE strength as the keys: a cheaply encrypted entry would
 * hand an attacker a fast test of password guesses.
 */
final class CurrentKeyMarker {
  static final String ALIAS = "encryptedfs:current";
  static final String ALGORITHM = "2.25.162518132703288305364441207655350083044";

  private CurrentKeyMarker() {}

  /** The alias the marker names, if the keystore has a marker; {@code source} names it. */
  static Optional<String> read(KeyStore keyStore, char[] password, String source)
      throws IOException {
    KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(password);
    try {
      if (!keyStore.containsAlias(ALIAS)) {
        return Optional.empty();
      }
      // Anything else under the reserved alias is refused rather than passed over: without it the
      // keystore would fall back to another choice of current key, one nobody made.
      if (!keyStore.entryInstanceOf(ALIAS, KeyStore.SecretKeyEntry.class)) {
        throw notAMarker(source);
      }
      SecretKey marker =
          ((KeyStore.SecretKeyEntry) keyStore.getEntry(ALIAS, protection)).getSecretKey();
      if (!ALGORITHM.equals(marker.getAlgorithm())) {
        throw notAMarker(source);
      }
      return Optional.of(new String(marker.getEncoded(), StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the current-key marker of keystore " + source, e);
    } finally {
      Secrets.destroy(protection);
    }
  }

  private static FileSystemException notAMarker(String source) {
    return new FileSystemException(
        source, null, "entry '" + ALIAS + "' is not an encryptedfs current-key marker");
  }

  /** Points the marker at {@code alias}; {@code source} names the keystore in errors. */
  static void write(
      KeyStore keyStore, String alias, KeyStore.PasswordProtection protection, String source)
      throws IOException {
    SecretKey marker = new SecretKeySpec(alias.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    try {
      keyStore.setEntry(ALIAS, new KeyStore.SecretKeyEntry(marker), protection);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write the current-key marker of keystore " + source, e);
    }
  }
}
