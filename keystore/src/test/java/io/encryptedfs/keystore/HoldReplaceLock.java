package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link ConcurrentWritersTest}: holds the replace lock on the keystore named
 * by its argument, says so on standard output, and releases it when standard input closes.
 */
final class HoldReplaceLock {
  static final String LOCKED = "locked";

  private HoldReplaceLock() {}

  public static void main(String[] args) throws IOException {
    try (ReplaceLock lock = ReplaceLock.acquire(Path.of(args[0]))) {
      System.out.println(LOCKED);
      System.out.flush();
      while (System.in.read() >= 0) {
        // Wait for the parent to close our standard input.
      }
    }
  }
}
