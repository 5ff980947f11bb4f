package io.encryptedfs.benchmarks;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A benchmark root: a fresh temporary directory on disk, used either directly (plain NIO) or
 * through an encrypted file system opened on it. Both paths then run exactly the same NIO code.
 *
 * <p>{@code impl} is {@code plain} or an encryptedfs algorithm name ({@code AES-256-GCM}, {@code
 * CHACHA20-POLY1305}); one parameter instead of two keeps plain from being measured once per
 * algorithm. {@code cryptofs-SIV_GCM} / {@code cryptofs-SIV_CTRMAC} open a Cryptomator cryptofs
 * vault instead (a peer; only in the {@code -Pcryptofs} jar, which needs Java 21+: the class {@code
 * CryptofsPeer} is compiled only by that profile and is looked up reflectively, so the default JDK
 * 17 build neither needs nor ships cryptofs).
 */
final class Root implements AutoCloseable {
  static final String PLAIN = "plain";
  static final String CRYPTOFS = "cryptofs-";

  final Path dir;
  final FileSystem fs; // null for plain
  final Path root; // where benchmarks create files
  private final MemoryKeyProvider keys;

  Root(String impl, int blockSize) throws IOException {
    String base = System.getProperty("bench.dir");
    dir =
        base == null
            ? Files.createTempDirectory("efs-bench-")
            : Files.createTempDirectory(Files.createDirectories(Path.of(base)), "efs-bench-");
    if (PLAIN.equals(impl)) {
      keys = null;
      fs = null;
      root = dir;
    } else if (impl.startsWith(CRYPTOFS)) {
      keys = null;
      fs = openPeer(dir, impl.substring(CRYPTOFS.length()));
      root = fs.getPath("/");
    } else {
      keys = new MemoryKeyProvider();
      Map<String, Object> env = new HashMap<>();
      env.put("key.provider", keys);
      env.put("key.alias", MemoryKeyProvider.ALIAS);
      env.put("algorithm", impl);
      env.put("block.size", Integer.toString(blockSize));
      env.put("create", "true");
      fs = EncryptedFileSystems.newFileSystem(dir, env);
      root = fs.getPath("/");
    }
  }

  /**
   * Opens a cryptofs vault on {@code dir} through {@code CryptofsPeer} (the -Pcryptofs jar only).
   */
  private static FileSystem openPeer(Path dir, String scheme) throws IOException {
    try {
      Class<?> peer = Class.forName("io.encryptedfs.benchmarks.CryptofsPeer");
      return (FileSystem)
          peer.getMethod("open", Path.class, String.class).invoke(null, dir, scheme);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "impl=cryptofs-* needs the cryptofs jar (benchmarks/run.sh with CRYPTOFS=1, Java 21+)",
          e);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  Path resolve(String name) {
    return root.resolve(name);
  }

  @Override
  public void close() throws IOException {
    if (fs != null) {
      fs.close();
    }
    if (keys != null) {
      keys.close();
    }
    deleteTree(dir);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
