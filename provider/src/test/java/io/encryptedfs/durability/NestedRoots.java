package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Two programs on one file, for {@link ConcurrentWriterTest}, {@link ConcurrentReaderTest} and
 * {@link LockHandoverTest}: two file systems of this program that reach the same file act as two
 * programs do, since each keeps its own view of the file, here a root and one nested in it ({@code
 * /sub/f} of one is {@code /f} of the other).
 */
final class NestedRoots {
  static final long SEED = 77;

  private NestedRoots() {}

  /** The outer root, in the test's temporary directory {@code tmp}. */
  static Path root(Path tmp) throws IOException {
    return Files.createDirectories(tmp.resolve("root"));
  }

  /** Settings whose new files, and rewraps, use master key {@code alias} of {@code keys}. */
  static Map<String, Object> newFilesUnder(InMemoryKeys keys, String alias) {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, alias);
    return env;
  }

  /** A root inside {@code root}, at {@code /sub} of it. */
  static Path nested(Path root) throws IOException {
    return Files.createDirectories(root.resolve("sub"));
  }

  static FileSystem open(Path dir) throws IOException {
    return EncryptedFileSystems.newFileSystem(dir, WalAppender.env(SEED));
  }

  static FileSystem openWriteThrough(Path dir) throws IOException {
    Map<String, Object> env = WalAppender.env(SEED);
    env.put(EncryptedFileSystems.WRITE_MODE, "write-through");
    return EncryptedFileSystems.newFileSystem(dir, env);
  }

  static void append(FileChannel c, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(UTF_8));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }
}
