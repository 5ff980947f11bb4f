package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.encryptedfs.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A second program for the tests of locks across programs: tries to lock one byte at each given
 * position of a raw file and prints {@code free} or {@code busy} for each, space-separated.
 *
 * <p>Arguments: raw file, positions.
 */
public final class LockProbe {
  private LockProbe() {}

  /** Runs this program on the raw file {@code raw} at bytes 0 and 1; returns its line. */
  static String probe(Path raw) throws IOException, InterruptedException {
    Process child = ChildJvm.start(LockProbe.class, raw.toString(), "0", "1");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      String line = out.readLine();
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the lock probe did not end within 30 s");
      }
      return line;
    } finally {
      child.destroyForcibly();
    }
  }

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
