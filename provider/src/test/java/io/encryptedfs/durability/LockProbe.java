package io.encryptedfs.durability;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A second program for {@link ConcurrentWriterTest}: tries to lock one byte at each given position
 * of a raw file and prints {@code free} or {@code busy} for each, space-separated.
 *
 * <p>Arguments: raw file, positions.
 */
public final class LockProbe {
  private LockProbe() {}

  public static void main(String[] args) throws IOException {
    StringBuilder out = new StringBuilder();
    try (FileChannel c =
        FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (int i = 1; i < args.length; i++) {
        FileLock lock = c.tryLock(Long.parseLong(args[i]), 1, false);
        out.append(i > 1 ? " " : "").append(lock == null ? "busy" : "free");
        if (lock != null) {
          lock.release();
        }
      }
    }
    System.out.println(out);
  }
}
