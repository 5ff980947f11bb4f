package io.encryptedfs.nio;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The provider's open file systems, one per encrypted root, each known by the {@code encrypted:}
 * URI of its root directory: a second {@code newFileSystem} for a root is refused, and a URI
 * reaches the file system already open there.
 *
 * <p>Opens take turns ({@link #opening}); a look-up never waits for one. An open reads the keystore
 * and derives its keys (about a second of key derivation at the keystore's default settings), and
 * may wait for another program's write of the keystore: every {@code Paths.get(URI)} of the program
 * waited behind it while the map's monitor guarded both. And the turn is not a monitor: on JDK 21
 * to 23 a virtual thread that waits while it holds one keeps its carrier, so an open waiting in the
 * keystore for a virtual thread that had no carrier left never ended.
 */
final class OpenFileSystems {
  private final EncryptedFileSystemProvider provider;
  private final Map<URI, EncryptedFileSystem> fileSystems = new ConcurrentHashMap<>();
  private final ReentrantLock opening = new ReentrantLock();

  OpenFileSystems(EncryptedFileSystemProvider provider) {
    this.provider = provider;
  }

  /** Opens the root at {@code dir} with {@code env}; see {@link Config}. */
  FileSystem open(Path dir, Map<String, ?> env) throws IOException {
    Path root = rootOf(dir);
    URI key = keyOf(root);
    opening.lock();
    try {
      if (fileSystems.containsKey(key)) {
        throw new FileSystemAlreadyExistsException(key.toString());
      }
      EncryptedFileSystem fs = RootSetup.open(provider, root, key, new Config(env));
      fileSystems.put(key, fs);
      return fs;
    } finally {
      opening.unlock();
    }
  }

  FileSystem get(URI uri) {
    URI key = keyOf(rootOf(directoryOf(uri)));
    EncryptedFileSystem fs = fileSystems.get(key);
    if (fs == null) {
      throw new FileSystemNotFoundException(key.toString());
    }
    return fs;
  }

  /**
   * The path a URI names. When no file system is open for its root and the keys are configured
   * outside the code (system properties or environment variables), the root is opened with them, so
   * {@code Paths.get(URI)} works without a prior {@code newFileSystem}.
   */
  Path path(URI uri) {
    EncryptedFileSystem fs;
    try {
      fs = (EncryptedFileSystem) get(uri);
    } catch (FileSystemNotFoundException e) {
      if (!new Config(Map.of()).configuredOutsideCode()) {
        throw e;
      }
      fs = openFromEnvironment(uri);
    }
    // Split before decoding: a '!' in the root's directory is encoded ("%21", see keyOf), so the
    // first raw "!/" ends the directory, though a decoded one may come earlier.
    String rawSsp = uri.getRawSchemeSpecificPart();
    int sep = rawSsp.indexOf("!/");
    if (sep < 0) {
      throw new IllegalArgumentException("URI has no '!/' path part: " + uri);
    }
    // As the default provider: a query or fragment is refused, not read as part of the name
    // (toUri percent-encodes '?' and '#' in names, so neither appears raw in one of ours).
    if (rawSsp.indexOf('?', sep) >= 0) {
      throw new IllegalArgumentException("URI has a query component: " + uri);
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("URI has a fragment component: " + uri);
    }
    // One slash however many there are: parsed alone, "//a/b" would make 'a' an authority and
    // name "/b", another file (the default provider reads file:///tmp//x as /tmp/x).
    String rawPath = rawSsp.substring(sep + 1).replaceFirst("^/+", "/");
    return fs.getPath(URI.create(rawPath).getPath());
  }

  private EncryptedFileSystem openFromEnvironment(URI uri) {
    try {
      return (EncryptedFileSystem) open(directoryOf(uri), Map.of());
    } catch (FileSystemAlreadyExistsException raced) {
      return (EncryptedFileSystem) get(uri);
    } catch (IOException e) {
      FileSystemNotFoundException notFound =
          new FileSystemNotFoundException(
              "cannot open "
                  + keyOf(directoryOf(uri).toAbsolutePath().normalize())
                  + " from system properties or environment: "
                  + e.getMessage());
      notFound.initCause(e);
      throw notFound;
    }
  }

  /** {@code fs} was closed: its root may be opened again. */
  void removed(EncryptedFileSystem fs) {
    // Only this one: a file system opened on the root since its close began stays.
    fileSystems.remove(fs.key(), fs);
  }

  /**
   * The directory a root is known by: its real path once it exists. A root reached through a
   * symbolic link is then still a directory to its own walks (a walk does not follow a link it
   * starts at, so key usage would have found no file, and a key still in use could be retired), and
   * a second file system on the same directory is refused.
   */
  static Path rootOf(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    try {
      return absolute.toRealPath();
    } catch (IOException | UnsupportedOperationException e) {
      // Not there yet (created by the open), or a file system without real paths.
      return absolute;
    }
  }

  /** The underlying directory named by {@code encrypted:<dir URI>[!/path]}. */
  static Path directoryOf(URI uri) {
    if (!EncryptedFileSystems.SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("not an encrypted: URI: " + uri);
    }
    String ssp = uri.getRawSchemeSpecificPart();
    int sep = ssp.indexOf("!/");
    String dir = sep < 0 ? ssp : ssp.substring(0, sep);
    return Paths.get(URI.create(dir));
  }

  /**
   * {@code encrypted:} and the root directory's URI, whose '!' are encoded: "!/" separates the path
   * within the root, so a directory such as {@code /data/x!/root} would otherwise name {@code
   * /data/x} in the URIs of its paths.
   */
  private static URI keyOf(Path root) {
    String s = root.toUri().toString().replace("!", "%21");
    if (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(EncryptedFileSystems.SCHEME + ":" + s);
  }
}
