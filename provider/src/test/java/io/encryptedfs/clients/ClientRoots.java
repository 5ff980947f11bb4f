package io.encryptedfs.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.nio.FsInternals;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An encrypted root over Jimfs or over a directory on disk for a client-library test, reopenable
 * with the same keys, that checks on close that the client left no channel open.
 */
final class ClientRoots implements AutoCloseable {
  final Path rawDir;
  private final InMemoryKeys keys = new InMemoryKeys("master");
  private final FileSystem jimfs;
  private FileSystem fs;

  private ClientRoots(Path rawDir, FileSystem jimfs) throws IOException {
    this.rawDir = rawDir;
    this.jimfs = jimfs;
    this.fs = open();
  }

  /** A root on Jimfs when {@code disk} is null, else in a fresh directory under {@code disk}. */
  static ClientRoots create(Path disk) throws IOException {
    if (disk == null) {
      FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
      return new ClientRoots(jimfs.getPath("/enc"), jimfs);
    }
    return new ClientRoots(Files.createDirectories(disk.resolve("enc")), null);
  }

  private FileSystem open() throws IOException {
    return TestRoots.open(rawDir, keys, "AES-256-GCM", 4096);
  }

  FileSystem fs() {
    return fs;
  }

  Path path(String p) {
    return fs.getPath(p);
  }

  /** Asserts that nothing is open, closes the file system and opens it again with the same keys. */
  void reopen() throws IOException {
    closeChecked();
    fs = open();
  }

  private void closeChecked() throws IOException {
    try {
      assertEquals(0, FsInternals.openFileCount(fs), "encrypted files left open by the client");
    } finally {
      fs.close();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      closeChecked();
    } finally {
      if (jimfs != null) {
        jimfs.close();
      }
    }
  }
}
