package io.encryptedfs.conformance;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.conformance.SpecDecoder.Decoded;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * An encrypted root opened through the public API (an {@code encrypted:} URI) over a directory of
 * its own, in write-through mode, and the raw files under it decoded by {@link SpecDecoder}.
 */
final class ConformanceRoot implements AutoCloseable {
  final InMemoryKeys keys;
  final Path dir;
  final int algorithmId;
  final int blockSize;

  /** Further settings each {@link #reopen} passes. */
  final Map<String, Object> settings = new HashMap<>();

  private final String algorithm;
  private final FileSystem jimfs;
  private FileSystem fs;

  /** A root on a Jimfs instance of its own. */
  ConformanceRoot(String algorithm, int blockSize) throws IOException {
    this(Jimfs.newFileSystem(Configuration.unix()), null, algorithm, blockSize);
  }

  /** A root over {@code dir} on the default file system. */
  ConformanceRoot(Path dir, String algorithm, int blockSize) throws IOException {
    this(null, dir, algorithm, blockSize);
  }

  private ConformanceRoot(FileSystem jimfs, Path dir, String algorithm, int blockSize)
      throws IOException {
    this.jimfs = jimfs;
    this.dir = dir != null ? dir : jimfs.getPath("/root");
    this.algorithm = algorithm;
    this.blockSize = blockSize;
    this.algorithmId =
        switch (algorithm) {
          case "AES-256-GCM" -> SpecCrypto.ALG_AES_256_GCM;
          case "AES-128-GCM" -> SpecCrypto.ALG_AES_128_GCM;
          default -> SpecCrypto.ALG_CHACHA20_POLY1305;
        };
    this.keys = new InMemoryKeys("master");
    reopen();
  }

  /** The file system, opened again if it was closed. */
  FileSystem fs() {
    return fs;
  }

  void reopen() throws IOException {
    reopen("master");
  }

  /** Opens the root again, {@code alias} wrapping new files' keys (and rewraps). */
  void reopen(String alias) throws IOException {
    Map<String, Object> env = new HashMap<>(TestRoots.env(keys, algorithm, blockSize));
    env.put(EncryptedFileSystems.KEY_ALIAS, alias);
    env.putAll(settings);
    env.put(EncryptedFileSystems.WRITE_MODE, "write-through");
    fs = FileSystems.newFileSystem(URI.create("encrypted:" + dir.toUri()), env);
  }

  void closeFileSystem() throws IOException {
    fs.close();
  }

  Path path(String name) {
    return fs.getPath("/" + name);
  }

  Path raw(String name) {
    return dir.resolve(name);
  }

  byte[] rawBytes(String name) throws IOException {
    return Files.readAllBytes(raw(name));
  }

  Map<String, SecretKey> masterKeys() throws IOException {
    Map<String, SecretKey> map = new HashMap<>();
    for (String alias : keys.aliases()) {
      map.put(alias, keys.masterKey(alias));
    }
    return map;
  }

  Decoded decode(String name) throws Exception {
    return new SpecDecoder(masterKeys()).decode(rawBytes(name));
  }

  @Override
  public void close() throws IOException {
    try {
      if (fs.isOpen()) {
        fs.close();
      }
    } finally {
      if (jimfs != null) {
        jimfs.close();
      }
    }
  }
}
