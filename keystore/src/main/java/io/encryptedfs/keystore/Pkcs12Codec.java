package io.encryptedfs.keystore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.BadPaddingException;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Converts between PKCS#12 bytes and the JDK's {@link KeyStore}, holding every file it writes to a
 * {@link ProtectionParameters} policy whatever the JDK's {@code keystore.pkcs12.*} settings.
 */
final class Pkcs12Codec {
  // Pinned: a provider installed ahead of SUN (Bouncy Castle, say) could ignore the per-entry
  // protection parameters, and the MacData rewrite relies on the SUN encoding.
  private static final String PROVIDER = "SUN";
  private static final String TYPE = "PKCS12";

  private final ProtectionParameters policy;
  private final SecureRandom random;

  /** Bytes as written to disk, and the keystore read back from exactly those bytes. */
  record Stored(byte[] bytes, KeyStore keyStore) {}

  Pkcs12Codec(ProtectionParameters policy, SecureRandom random) {
    this.policy = policy;
    this.random = random;
  }

  ProtectionParameters policy() {
    return policy;
  }

  KeyStore empty() throws IOException {
    try {
      KeyStore keyStore = KeyStore.getInstance(TYPE, PROVIDER);
      keyStore.load(null, null);
      return keyStore;
    } catch (GeneralSecurityException e) {
      throw new IOException("the JDK's PKCS12 keystore is unavailable", e);
    }
  }

  /**
   * Reads and authenticates a keystore.
   *
   * @throws WrongPasswordException if the integrity MAC does not verify with {@code password}
   * @throws IOException if the bytes are not a PKCS#12 keystore with an integrity MAC
   */
  KeyStore load(byte[] bytes, char[] password, String source) throws IOException {
    Pfx pfx;
    try {
      pfx = Pfx.parse(bytes);
    } catch (IOException | RuntimeException e) {
      throw new IOException(source + " is not a DER-encoded PKCS#12 keystore", e);
    }
    // Without a MAC the JDK accepts any password and nothing binds aliases to keys.
    if (pfx.mac().isEmpty()) {
      throw new IOException(source + " has no integrity MAC; refusing an unauthenticated keystore");
    }
    KeyStore keyStore;
    try {
      keyStore = KeyStore.getInstance(TYPE, PROVIDER);
      keyStore.load(new ByteArrayInputStream(bytes), password);
    } catch (IOException e) {
      if (causedByWrongPassword(e)) {
        throw new WrongPasswordException(source, e);
      }
      throw new IOException("cannot read keystore " + source, e);
    } catch (GeneralSecurityException | RuntimeException e) {
      // The JDK's parser lets some malformed input escape as unchecked exceptions.
      throw new IOException("cannot read keystore " + source, e);
    }
    requireEveryKeyKept(pfx, keyStore, source);
    return keyStore;
  }

  /**
   * The JDK keeps one entry per alias folded to lower case, the last the file holds, skips bags it
   * cannot read, and writes back only what it kept. So of two keys under one alias ("Master" and
   * "master" from a tool that tells case apart, or two keystores merged), or a key and a
   * certificate under one alias, or a key in a bag the JDK skips, the first write of this module
   * would drop a key for good, with the files wrapped under it.
   *
   * @throws FileSystemException naming the keystore and the alias, never a key
   */
  private static void requireEveryKeyKept(Pfx pfx, KeyStore kept, String source)
      throws IOException {
    List<Pkcs12Protection.Protection> parts;
    try {
      parts = Pkcs12Protection.inspect(pfx);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read the entries of keystore " + source, e);
    }
    Set<String> seen = new HashSet<>();
    for (Pkcs12Protection.Protection part : parts) {
      String name = part.name();
      // A key without a name gets one of the JDK's making, which no other entry shares.
      if (part.part() != Pkcs12Protection.Part.KEY || name.isEmpty()) {
        continue;
      }
      if (!seen.add(Aliases.normalize(name))) {
        throw new FileSystemException(
            source,
            null,
            "two keys in the keystore share the alias '"
                + Printable.of(name)
                + "' (aliases are compared ignoring case), and only one of them could be kept;"
                + " refusing to open it, nothing was written");
      }
      if (!isKeyEntry(kept, name)) {
        throw new FileSystemException(
            source,
            null,
            "the keystore holds a key under the alias '"
                + Printable.of(name)
                + "' that the JDK's PKCS#12 reader does not keep (another entry, such as a"
                + " certificate, has that alias, or the key's bag is of a kind it skips), so the"
                + " next write would lose it; refusing to open it, nothing was written");
      }
    }
  }

  private static boolean isKeyEntry(KeyStore keyStore, String alias) throws IOException {
    try {
      return keyStore.isKeyEntry(alias);
    } catch (KeyStoreException e) {
      throw new IllegalStateException("a loaded keystore", e);
    }
  }

  private static boolean causedByWrongPassword(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof UnrecoverableKeyException || t instanceof BadPaddingException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Encodes {@code keyStore} with a MacData made to the policy, then reads the result back, so that
   * nothing reaches the disk that this JDK cannot open again.
   */
  Stored store(KeyStore keyStore, char[] password, String source) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      keyStore.store(out, password);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encode keystore " + source, e);
    }
    byte[] bytes = out.toByteArray();
    Pfx pfx = Pfx.parse(bytes);
    if (pfx.mac().filter(mac -> mac.meets(policy)).isEmpty()) {
      bytes = pfx.withMac(password, policy, random);
    }
    KeyStore reread = load(bytes, password, source);
    if (!aliases(reread).equals(aliases(keyStore))) {
      throw new IOException("keystore " + source + " did not survive encoding; nothing written");
    }
    return new Stored(bytes, reread);
  }

  /** Protection for one new entry, with its own fresh salt. The caller destroys it after use. */
  KeyStore.PasswordProtection protection(char[] password) {
    byte[] salt = new byte[policy.saltLength()];
    random.nextBytes(salt);
    return new KeyStore.PasswordProtection(
        password,
        ProtectionParameters.KEY_ALGORITHM,
        new PBEParameterSpec(salt, policy.keyIterations()));
  }

  private static Set<String> aliases(KeyStore keyStore) throws IOException {
    try {
      return new HashSet<>(Collections.list(keyStore.aliases()));
    } catch (KeyStoreException e) {
      throw new IOException(e);
    }
  }
}
