package io.encryptedfs.keystore;

import javax.security.auth.DestroyFailedException;
import javax.security.auth.Destroyable;

/** Wiping of JDK objects that hold passwords or keys. */
final class Secrets {
  private Secrets() {}

  /** Destroys {@code secret} if it can be; a null or already destroyed one is ignored. */
  static void destroy(Destroyable secret) {
    if (secret == null || secret.isDestroyed()) {
      return;
    }
    try {
      secret.destroy();
    } catch (DestroyFailedException e) {
      // Not every key can be destroyed (SecretKeySpec cannot in Java 17); it keeps its copy until
      // it is collected, which is all that can be done for it.
    }
  }
}
