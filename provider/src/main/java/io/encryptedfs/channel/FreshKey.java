package io.encryptedfs.channel;

import io.encryptedfs.crypto.KeyWrap;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.crypto.SecretKey;

/**
 * A header's data key under the master key the keys hold under its alias now, once the key this
 * program holds under that alias did not unwrap it. Another program may have retired that key and
 * made a new one under the same alias since this program last read the keystore, which a lookup of
 * a key it holds does not read again; asked as for a new file, the keys read a changed keystore
 * again. Both an open ({@link HeaderReader}) and a look at a header ({@link HeaderInspector}) ask
 * so, or a file under the new key opened while its header was reported as under another key.
 */
final class FreshKey {
  private FreshKey() {}

  /**
   * @return the data key {@code wrapped}, or null if the keys answer {@code held} again, or a key
   *     that does not unwrap it either
   * @throws IOException the keys' failure to answer
   */
  static byte[] unwrap(KeyProvider keys, String alias, SecretKey held, byte[] wrapped)
      throws IOException {
    SecretKey fresh = keys.masterKeyForNewFile(alias);
    if (fresh == held) {
      return null;
    }
    try {
      return KeyWrap.unwrap(fresh, wrapped);
    } catch (GeneralSecurityException e) {
      return null; // the header does not match the keystore's key either
    }
  }
}
