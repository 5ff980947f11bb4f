package io.encryptedfs.clients;

import io.encryptedfs.nio.FsInternals;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Random;
import org.apache.lucene.store.LockFactory;
import org.apache.lucene.store.NIOFSDirectory;

/**
 * Lucene directories over an encrypted root: the root is opened at the directory Lucene's test
 * framework hands out (itself wrapped in Lucene's mock file systems), so every raw file operation
 * still passes through them, and Lucene's {@code NIOFSDirectory} sees only encrypted paths.
 */
final class EncryptedDirectories {
  private static final String[] ALGORITHMS = {"AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305"};

  private EncryptedDirectories() {}

  /** A fresh encrypted root at {@code dir} with a seeded choice of algorithm and block size. */
  static FileSystem openRoot(Path dir, Random random) throws IOException {
    String algorithm = ALGORITHMS[random.nextInt(ALGORITHMS.length)];
    int blockSize = 4096 << random.nextInt(3);
    return TestRoots.open(dir, new InMemoryKeys("master"), algorithm, blockSize);
  }

  /**
   * An {@code NIOFSDirectory} on the root of a new encrypted file system at {@code dir}. It stays
   * an {@code FSDirectory} (Lucene's suites only run some tests on those); closing it checks that
   * no channel was left open, then closes the file system.
   */
  static NIOFSDirectory open(Path dir, LockFactory lockFactory, Random random) throws IOException {
    FileSystem fs = openRoot(dir, random);
    try {
      return new ClosingDirectory(fs, lockFactory);
    } catch (IOException | RuntimeException e) {
      fs.close();
      throw e;
    }
  }

  /** NIOFSDirectory that owns its encrypted file system. */
  static final class ClosingDirectory extends NIOFSDirectory {
    private final FileSystem fs;

    ClosingDirectory(FileSystem fs, LockFactory lockFactory) throws IOException {
      super(fs.getPath("/"), lockFactory);
      this.fs = fs;
    }

    @Override
    public synchronized void close() throws IOException {
      try {
        super.close();
        int open = FsInternals.openFileCount(fs);
        if (open != 0) {
          throw new AssertionError(open + " encrypted files still open after Directory.close()");
        }
      } finally {
        fs.close();
      }
    }
  }
}
