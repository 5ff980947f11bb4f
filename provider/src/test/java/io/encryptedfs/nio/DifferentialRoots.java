package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plain directory and an encrypted root side by side on one underlying file system, to run the
 * same operation in both: the encrypted root must give what the plain directory gives, or throw the
 * same exception type naming the encrypted path, never the raw one. Closing it fails the test if a
 * channel was left open.
 */
final class DifferentialRoots implements Closeable {
  /** An operation on a tree, given the tree's root directory. */
  interface PathOp<T> {
    T apply(Path root) throws Exception;
  }

  private final Path plainRoot;
  private final Path rawRoot;
  private final FileSystem fs;

  /** Makes both in {@code base}, an empty directory: {@code plain} and the root's {@code enc}. */
  DifferentialRoots(Path base) throws IOException {
    plainRoot = Files.createDirectories(base.resolve("plain"));
    rawRoot = base.resolve("enc");
    fs = TestRoots.open(rawRoot, new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  /** The encrypted file system. */
  FileSystem fs() {
    return fs;
  }

  /** The plain directory. */
  Path plainRoot() {
    return plainRoot;
  }

  /** The encrypted root's directory on the underlying file system, where the ciphertext is. */
  Path rawRoot() {
    return rawRoot;
  }

  /** Runs {@code op} under both roots; both must return equal values or throw the same type. */
  <T> T both(PathOp<T> op) {
    Object plain = outcome(op, plainRoot);
    Object enc = outcome(op, fs.getPath("/"));
    if (plain instanceof Throwable p) {
      assertTrue(enc instanceof Throwable, () -> "plain threw " + p + ", encrypted gave " + enc);
      assertEquals(p.getClass(), enc.getClass(), () -> "plain threw " + p + ", encrypted " + enc);
      if (enc instanceof FileSystemException e) {
        assertTrue(
            e.getFile() == null || !e.getFile().contains(rawRoot.toString()),
            "exception names the raw path: " + e);
      }
      return null;
    }
    assertFalse(enc instanceof Throwable, () -> "plain gave " + plain + ", encrypted threw " + enc);
    assertEquals(plain, enc);
    @SuppressWarnings("unchecked")
    T t = (T) enc;
    return t;
  }

  private static Object outcome(PathOp<?> op, Path root) {
    try {
      return op.apply(root);
    } catch (Exception e) {
      return e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      assertEquals(0, FsInternals.openFileCount(fs), "channels left open");
    } finally {
      fs.close();
    }
  }
}
