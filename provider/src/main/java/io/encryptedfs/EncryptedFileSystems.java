package io.encryptedfs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.ProviderNotFoundException;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;

/**
 * Names of the configuration keys and a convenience to open an encrypted file system.
 *
 * <p>An encrypted file system is opened through {@code java.nio.file} alone, with a URI of the form
 * {@code encrypted:<URI of a directory>} and an environment map of these keys (values may be
 * strings, so configuration can come from a properties file). Keys missing from the map are read
 * from system properties ({@code encryptedfs.} + key) and then from environment variables
 * ({@code ENCRYPTEDFS_} + key in upper case with {@code .} as {@code _}).
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

  private EncryptedFileSystems() {}

  /** The URI of the encrypted file system rooted at {@code directory}. */
  public static URI uriOf(Path directory) {
    return URI.create(SCHEME + ":" + directory.toAbsolutePath().toUri().toString());
  }

  /** Opens the encrypted file system rooted at {@code directory}, on any file system. */
  public static FileSystem newFileSystem(Path directory, Map<String, ?> env) throws IOException {
    // Straight to the provider: the URI route resolves the directory with Paths.get(URI), which
    // fails for a file system whose provider is not installed (a wrapping or test file system).
    for (FileSystemProvider provider : FileSystemProvider.installedProviders()) {
      if (SCHEME.equalsIgnoreCase(provider.getScheme())) {
        return provider.newFileSystem(directory, env);
      }
    }
    throw new ProviderNotFoundException(SCHEME);
  }
}
