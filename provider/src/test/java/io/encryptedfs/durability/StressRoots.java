package io.encryptedfs.durability;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a stress test's root lives: on the real disk (a temporary directory) or in Jimfs, opened in
 * one write mode; {@link #reopen} opens the same root in a new file system.
 */
final class StressRoots implements Closeable {
  private final InMemoryKeys keys = new InMemoryKeys("master");
  private final FileSystem jimfs;
  private final Path dir;
  private final String mode;

  StressRoots(String where, Path tmp, String mode) throws IOException {
    this.mode = mode;
    if (where.equals("jimfs")) {
      jimfs = Jimfs.newFileSystem(Configuration.unix());
      dir = Files.createDirectories(jimfs.getPath("/r"));
    } else {
      jimfs = null;
      dir = Files.createDirectories(tmp.resolve("r"));
    }
  }

  FileSystem reopen() throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    // A short bound, so that the timer's flush of a buffered tail races the test's own calls.
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "3");
    return EncryptedFileSystems.newFileSystem(dir, env);
  }

  @Override
  public void close() throws IOException {
    if (jimfs != null) {
      jimfs.close();
    }
  }
}
