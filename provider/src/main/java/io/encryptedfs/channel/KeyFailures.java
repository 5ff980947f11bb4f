package io.encryptedfs.channel;

import io.encryptedfs.KeyProviderException;
import io.encryptedfs.keystore.WrongPasswordException;
import java.io.IOException;

/**
 * Names the file in a failure of the keys asked for its sake: its open, creation or rewrap. A
 * keystore that another program corrupted, or replaced by one under another password, fails when it
 * is read again, and its exception names the keystore only; the caller must also learn which file
 * could not be opened or made. The type stays what callers tell such failures by (a wrong password
 * is still a {@link WrongPasswordException}, which the command-line tool maps to its key or
 * password exit), with the keys' exception as the cause. No secret is added: the message is the
 * keys' own, which never holds one, led by the path.
 */
public final class KeyFailures {
  private KeyFailures() {}

  /**
   * {@code e}, thrown by the keys asked for file {@code path}, with its message led by the path;
   * {@code e} itself if it names the path already, or is of a type of its own that a caller may
   * tell it by (an {@code UnknownKeyAliasException}, which callers name the path in themselves; an
   * interrupt's), whose type a wrapper would hide.
   */
  public static IOException forFile(String path, IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith(path + ": ")) {
      return e;
    }
    if (e instanceof WrongPasswordException wrong) {
      return wrong.in(path);
    }
    if (e instanceof KeyProviderException broken) {
      KeyProviderException named = new KeyProviderException(path + ": " + message, broken.alias());
      named.initCause(broken);
      return named;
    }
    if (e.getClass() == IOException.class) {
      // The keystore unreadable (AuditedKeystore's), or not a keystore at all any more.
      return new IOException(path + ": " + message, e);
    }
    return e;
  }
}
