package io.encryptedfs.channel;

import java.lang.reflect.Field;
import java.nio.channels.FileChannel;

/**
 * For tests in other packages that must hold still a thread of encryptedfs's own: the monitor that
 * guards an encrypted file's lock state ({@link ReopeningChannel}), which a test thread holds to
 * keep a lock waiter's thread from dropping its wait, while it goes on itself (the monitor is
 * reentrant).
 */
public final class LockMonitors {
  private LockMonitors() {}

  /** The monitor of the lock state of {@code channel}'s file; {@code channel} is encrypted. */
  public static Object of(FileChannel channel) throws ReflectiveOperationException {
    RawFile raw = ((EncryptedFileChannel) channel).file().raw();
    Field underlying = RawFile.class.getDeclaredField("channel");
    underlying.setAccessible(true);
    return underlying.get(raw);
  }
}
