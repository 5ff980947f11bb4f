package io.encryptedfs;

import io.encryptedfs.nio.EncryptedFileSystemProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.ProviderNotFoundException;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Objects;

/**
 * Names of the configuration keys and a convenience to open an encrypted file system.
 *
 * <p>An encrypted file system is opened through {@code java.nio.file} alone, with a URI of the form
 * {@code encrypted:<URI of a directory>} and an environment map of these keys (values may be
 * strings, so configuration can come from a properties file). Keys missing from the map are read
 * from system properties ({@code encryptedfs.} + key) and then from environment variables ({@code
 * ENCRYPTEDFS_} + key in upper case with {@code .} as {@code _}).
 *
 * <table>
 *   <caption>Environment keys</caption>
 *   <tr><th>key</th><th>type</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #KEYSTORE}</td><td>String or Path</td><td>none</td>
 *       <td>PKCS#12 keystore holding the master keys</td></tr>
 *   <tr><td>{@value #KEYSTORE_PASSWORD}</td><td>String or char[]</td><td>none</td>
 *       <td>keystore password</td></tr>
 *   <tr><td>{@value #KEYSTORE_PASSWORD_FILE}</td><td>String or Path</td><td>none</td>
 *       <td>file whose first line is the keystore password</td></tr>
 *   <tr><td>{@value #KEY_ALIAS}</td><td>String</td><td>the keystore's current key</td>
 *       <td>master key that wraps new files' data keys</td></tr>
 *   <tr><td>{@value #ALGORITHM}</td><td>String or {@link Algorithm}</td><td>AES-256-GCM</td>
 *       <td>content AEAD for new files</td></tr>
 *   <tr><td>{@value #BLOCK_SIZE}</td><td>String or Integer</td><td>4096</td>
 *       <td>cleartext bytes per block for new files, a power of two from 4 KiB to 1 MiB</td></tr>
 *   <tr><td>{@value #CREATE}</td><td>String or Boolean</td><td>false</td>
 *       <td>initialise the directory as an encrypted root if it is not one yet</td></tr>
 *   <tr><td>{@value #KEY_PROVIDER}</td><td>{@code KeyProvider}</td><td>none</td>
 *       <td>a key provider object to use instead of a keystore file (map only)</td></tr>
 *   <tr><td>{@value #WRITE_MODE}</td><td>String</td><td>write-through</td>
 *       <td>{@code write-through}: every write reaches the underlying file before it returns;
 *       {@code buffered}: writes inside a file's partial last block may wait in memory until
 *       force, close, a full block or {@value #WRITE_BUFFER_MILLIS}</td></tr>
 *   <tr><td>{@value #WRITE_BUFFER_MILLIS}</td><td>String or Integer</td><td>100</td>
 *       <td>in buffered mode, the longest a write waits before it reaches the underlying
 *       file</td></tr>
 *   <tr><td>{@value #CREATE_SYNC}</td><td>String or Boolean</td><td>true</td>
 *       <td>{@code true}: creating a file forces its front region, so that it opens after a power
 *       loss even if it is never forced; {@code false}: it is made durable by the file's first
 *       force instead (one {@code fsync} fewer per file, for programs that force every file they
 *       rely on), and a file never forced may fail to open after a power loss</td></tr>
 *   <tr><td>{@value #KEY_POLICY}</td><td>String</td><td>none</td>
 *       <td>master key per subtree for new files: {@code GLOB=ALIAS} rules separated by {@code ;},
 *       e.g. {@code /pii/**=pii-key;/wal/**=wal-key}; absolute {@code glob:} patterns; the most
 *       specific match wins (longest literal prefix before the first wildcard, then the longest
 *       glob, then the first rule); unmatched paths use {@value #KEY_ALIAS}</td></tr>
 *   <tr><td>{@value #AUDIT_FILE}</td><td>String or Path</td><td>none</td>
 *       <td>also append audit events as JSON lines to this file (0600): {@code
 *       KEY_UNWRAP_FAILED}, {@code CONTENT_AUTHENTICATION_FAILED} and {@code FILE_REWRAPPED} for
 *       this file system's files, with a {@value #KEY_PROVIDER} too, and the keystore's key events
 *       when the file system opens {@value #KEYSTORE} itself; without it they go to the {@code
 *       io.encryptedfs.audit} logger only</td></tr>
 * </table>
 */
public final class EncryptedFileSystems {
  public static final String SCHEME = "encrypted";
  public static final String KEYSTORE = "keystore";
  public static final String KEYSTORE_PASSWORD = "keystore.password";
  public static final String KEYSTORE_PASSWORD_FILE = "keystore.password.file";
  public static final String KEY_ALIAS = "key.alias";
  public static final String ALGORITHM = "algorithm";
  public static final String BLOCK_SIZE = "block.size";
  public static final String CREATE = "create";
  public static final String KEY_PROVIDER = "key.provider";
  public static final String KEY_POLICY = "key.policy";
  public static final String WRITE_MODE = "write.mode";
  public static final String WRITE_BUFFER_MILLIS = "write.buffer.millis";
  public static final String CREATE_SYNC = "create.sync";
  public static final String AUDIT_FILE = "audit.file";

  private EncryptedFileSystems() {}

  /**
   * How an open encrypted file system makes new files: read from its file store's {@code
   * encrypted:*} attributes.
   *
   * @throws IllegalArgumentException if {@code fs} is not an encrypted file system
   */
  public static RootInfo info(FileSystem fs) throws IOException {
    Objects.requireNonNull(fs, "fs");
    if (!SCHEME.equals(fs.provider().getScheme())) {
      throw new IllegalArgumentException("not an encrypted file system: " + fs);
    }
    java.nio.file.FileStore store = fs.provider().getFileStore(fs.getPath("/"));
    return new RootInfo(
        (Integer) store.getAttribute("encrypted:formatVersion"),
        Algorithm.fromName((String) store.getAttribute("encrypted:algorithm")),
        (Integer) store.getAttribute("encrypted:blockSize"),
        (String) store.getAttribute("encrypted:keyAlias"));
  }

  /** The URI of the encrypted file system rooted at {@code directory}. */
  public static URI uriOf(Path directory) {
    Objects.requireNonNull(directory, "directory");
    // "!/" ends the directory in such a URI, and toUri() leaves '!' raw and ends an existing
    // directory with '/': /data/y! would give .../y!/, naming /data/y.
    String dir = directory.toAbsolutePath().toUri().toString().replace("!", "%21");
    return URI.create(SCHEME + ":" + dir);
  }

  /**
   * Opens the encrypted file system rooted at {@code directory}, on any file system.
   *
   * @param env the settings; null is taken as none, leaving them all to system properties and
   *     environment variables
   */
  public static FileSystem newFileSystem(Path directory, Map<String, ?> env) throws IOException {
    Objects.requireNonNull(directory, "directory");
    // Hand the Path itself to the provider: a round trip through its URI would resolve to whatever
    // provider is installed for that scheme, silently dropping a wrapping file system.
    return provider().openRoot(directory, env);
  }

  private static EncryptedFileSystemProvider provider() {
    for (FileSystemProvider p : FileSystemProvider.installedProviders()) {
      if (p instanceof EncryptedFileSystemProvider encrypted) {
        return encrypted;
      }
    }
    throw new ProviderNotFoundException(SCHEME);
  }
}
