package io.encryptedfs.cli;

import java.io.IOException;

/**
 * A problem the user fixes with another password or key, not with the disk: exit 3, not 4. The
 * keystore module reports some as exceptions of its own (a password file or source without a
 * password), others as plain {@link IOException}s or argument errors, which would otherwise read as
 * I/O or usage errors.
 */
final class KeyOrPasswordException extends IOException {
  KeyOrPasswordException(String message, Throwable cause) {
    super(message, cause);
  }
}
