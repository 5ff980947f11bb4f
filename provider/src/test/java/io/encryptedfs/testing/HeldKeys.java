package io.encryptedfs.testing;

import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.crypto.SecretKey;

/**
 * Keys that hold their first caller until {@link #release}: where a root's open waits in its key
 * provider, as it does for a keystore another thread or program is writing.
 */
public final class HeldKeys implements KeyProvider {
  private final InMemoryKeys keys;
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  public HeldKeys(InMemoryKeys keys) {
    this.keys = keys;
  }

  @Override
  public SecretKey masterKey(String alias) throws IOException {
    entered.countDown();
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while held", e);
    }
    return keys.masterKey(alias);
  }

  @Override
  public Set<String> aliases() throws IOException {
    return keys.aliases();
  }

  @Override
  public Optional<String> currentAlias() throws IOException {
    return keys.currentAlias();
  }

  @Override
  public void close() {
    keys.close();
  }

  /** Waits until a caller is held. */
  public void awaitHeld() throws InterruptedException {
    entered.await();
  }

  /** Lets every caller, held or to come, through. */
  public void release() {
    released.countDown();
  }
}
