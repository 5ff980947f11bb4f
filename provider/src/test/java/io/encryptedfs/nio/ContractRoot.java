package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TempTrees;
import io.encryptedfs.testing.TestRoots;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The encrypted root the channel contract tests run on, over Jimfs ({@code "jimfs"}) or over a
 * temporary directory on the real disk ({@code "disk"}), so that each contract is checked on both.
 * Closing it fails the test if a channel was left open, as every test closes its channels.
 */
final class ContractRoot implements Closeable {
  static final int BLOCK = 4096;

  private final FileSystem fs;
  private final Path dir;
  private final FileSystem jimfs;
  private final Path tempDir;

  private ContractRoot(Path dir, FileSystem jimfs, Path tempDir) throws IOException {
    this.fs = TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", BLOCK);
    this.dir = dir;
    this.jimfs = jimfs;
    this.tempDir = tempDir;
  }

  static ContractRoot open(String kind) throws IOException {
    if (kind.equals("jimfs")) {
      FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
      try {
        return new ContractRoot(jimfs.getPath("/root"), jimfs, null);
      } catch (IOException | RuntimeException e) {
        jimfs.close();
        throw e;
      }
    }
    Path tempDir = Files.createTempDirectory("efs-contract");
    try {
      return new ContractRoot(tempDir.resolve("root"), null, tempDir);
    } catch (IOException | RuntimeException e) {
      TempTrees.delete(tempDir);
      throw e;
    }
  }

  /** The encrypted file system. */
  FileSystem fs() {
    return fs;
  }

  /** The root's directory on the underlying file system, where the ciphertext is. */
  Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    try {
      assertEquals(0, FsInternals.openFileCount(fs), "files left open");
    } finally {
      try {
        fs.close();
      } finally {
        if (jimfs != null) {
          jimfs.close();
        }
        if (tempDir != null) {
          TempTrees.delete(tempDir);
        }
      }
    }
  }
}
