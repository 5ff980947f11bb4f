package io.encryptedfs.testing;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Opens encrypted roots for tests with in-memory keys and explicit settings. */
public final class TestRoots {
  private TestRoots() {}

  public static Map<String, Object> env(KeyProvider keys, String algorithm, int blockSize) {
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, keys);
    env.put(EncryptedFileSystems.KEY_ALIAS, "master");
    env.put(EncryptedFileSystems.ALGORITHM, algorithm);
    env.put(EncryptedFileSystems.BLOCK_SIZE, Integer.toString(blockSize));
    env.put(EncryptedFileSystems.CREATE, "true");
    return env;
  }

  public static FileSystem open(Path dir, InMemoryKeys keys, String algorithm, int blockSize)
      throws IOException {
    return EncryptedFileSystems.newFileSystem(dir, env(keys, algorithm, blockSize));
  }

  /**
   * As {@link #open(Path, InMemoryKeys, String, int)}, in write {@code mode} whatever the surefire
   * execution says. A buffered root's bound is one no test outlasts: only a force, a close or a
   * full block writes its tail.
   */
  public static FileSystem open(
      Path dir, InMemoryKeys keys, String algorithm, int blockSize, String mode)
      throws IOException {
    Map<String, Object> env = env(keys, algorithm, blockSize);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "60000");
    return EncryptedFileSystems.newFileSystem(dir, env);
  }
}
