package io.encryptedfs.channel;

import io.encryptedfs.faults.FaultInjectingFileSystem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/** What the interrupt tests share: the fault file system, the interrupt hook, the reopen count. */
final class Interrupts {
  private Interrupts() {}

  /** How many times the underlying file of {@code channel} was reopened. */
  static int reopens(FileChannel channel) {
    return ((EncryptedFileChannel) channel).file().raw().reopens();
  }

  /** The fault file system over {@code /disk} of {@code jimfs}. */
  static FaultInjectingFileSystem faults(FileSystem jimfs) throws IOException {
    return FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/disk")));
  }

  /** In a read hook: interrupts the victim once, inside its underlying read. */
  static void interruptIfVictim(AtomicReference<Thread> victim) {
    if (victim.compareAndSet(Thread.currentThread(), null)) {
      Thread.currentThread().interrupt();
    }
  }

  static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
