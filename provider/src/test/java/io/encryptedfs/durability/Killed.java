package io.encryptedfs.durability;

import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thrown where a process dies in the middle of a write. It is an error, which no catch of the
 * provider handles, so no cleanup runs; from that write on every write throws it, so nothing more
 * reaches the disk, as when the kernel ends a process.
 */
final class Killed extends Error {
  private Killed() {
    super("killed", null, false, false);
  }

  /**
   * Kills the process at the {@code nth} write (counting from 1) to a file whose path in {@code
   * faults} starts with {@code prefix}; {@code faults.failWrites(p -> false)} revives it.
   */
  static void atWrite(FaultInjectingFileSystem faults, String prefix, int nth) {
    AtomicInteger writes = new AtomicInteger();
    AtomicBoolean dead = new AtomicBoolean();
    faults.failWrites(
        p -> {
          if (dead.get() || (p.toString().startsWith(prefix) && writes.incrementAndGet() == nth)) {
            dead.set(true);
            throw new Killed();
          }
          return false;
        });
  }
}
