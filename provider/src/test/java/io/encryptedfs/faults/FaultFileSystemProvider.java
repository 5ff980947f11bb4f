package io.encryptedfs.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Set;

/**
 * The provider of one {@link FaultInjectingFileSystem}. Not registered as a service: each fault
 * file system has its own provider, reached through its paths.
 */
final class FaultFileSystemProvider extends FileSystemProvider {
  static final String SCHEME = "faultfs";

  private final FaultInjectingFileSystem fs;

  FaultFileSystemProvider(FaultInjectingFileSystem fs) {
    this.fs = fs;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FaultInjectingFileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("use FaultInjectingFileSystem.wrap(Path)");
  }

  @Override
  public FaultInjectingFileSystem getFileSystem(URI uri) {
    underlyingPath(uri);
    return fs;
  }

  @Override
  public Path getPath(URI uri) {
    return fs.faultPath(underlyingPath(uri));
  }

  private Path underlyingPath(URI uri) {
    if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("not a " + SCHEME + " URI: " + uri);
    }
    // Path.of rather than the underlying provider's getPath: Jimfs refuses direct calls.
    Path path = Path.of(URI.create(uri.getRawSchemeSpecificPart()));
    if (path.getFileSystem() != fs.underlying()) {
      throw new FileSystemNotFoundException(uri + " is not on the wrapped file system");
    }
    return path;
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    Path file = fs.unwrap(path);
    if ((options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND))
        && Files.exists(file)
        && fs.switches().deniesWritesOf(file)) {
      throw new AccessDeniedException(path.toString());
    }
    DurabilityTracker.Opened opened =
        fs.tracker().open(file, options, () -> under().newFileChannel(file, options, attrs));
    return new FaultFileChannel(fs, opened.channel(), opened.state(), OpenMode.of(options));
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    return new FaultDirectoryStream(
        fs,
        under().newDirectoryStream(fs.unwrap(dir), entry -> filter.accept(fs.faultPath(entry))));
  }

  /** Directory creation is metadata, durable at once in this model: nothing to record. */
  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    under().createDirectory(fs.unwrap(dir), attrs);
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
    throw new UnsupportedOperationException("faultfs does not model links");
  }

  /** A hard link: a name, durable at once as directory changes are here, for the same state. */
  @Override
  public void createLink(Path link, Path existing) throws IOException {
    Path name = fs.unwrap(link);
    Path file = fs.unwrap(existing);
    fs.tracker()
        .link(
            name,
            file,
            () -> {
              under().createLink(name, file);
              return null;
            });
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    return fs.faultPath(under().readSymbolicLink(fs.unwrap(link)));
  }

  @Override
  public void delete(Path path) throws IOException {
    Path file = fs.unwrap(path);
    if (fs.switches().failsDeletesOf(file)) {
      throw new FileSystemException(path.toString(), null, "Input/output error");
    }
    fs.tracker()
        .delete(
            file,
            () -> {
              under().delete(file);
              return null;
            });
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    fs.unwrap(source);
    fs.unwrap(target);
    FaultCopy.copy(source, target, options);
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    Path from = fs.unwrap(source);
    Path to = fs.unwrap(target);
    fs.tracker()
        .move(
            from,
            to,
            () -> {
              under().move(from, to, options);
              return null;
            });
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    if (path.equals(path2)) {
      return true;
    }
    if (!(path2 instanceof FaultPath other) || other.getFileSystem() != fs) {
      return false;
    }
    fs.lookedUp(2);
    return under().isSameFile(fs.unwrap(path), other.delegate());
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return under().isHidden(fs.unwrap(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    return under().getFileStore(fs.unwrap(path));
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    fs.lookedUp(1);
    under().checkAccess(fs.unwrap(path), modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    return under().getFileAttributeView(fs.unwrap(path), type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    fs.lookedUp(1);
    fs.switches().beforeAttributes(path);
    A attrs = under().readAttributes(fs.unwrap(path), type, options);
    return fs.switches().hidesFileKeys() ? WithoutFileKey.of(attrs, type) : attrs;
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    fs.lookedUp(1);
    fs.switches().beforeAttributes(path);
    Map<String, Object> attrs = under().readAttributes(fs.unwrap(path), attributes, options);
    if (fs.switches().hidesFileKeys() && attrs.containsKey("fileKey")) {
      attrs = new java.util.HashMap<>(attrs);
      attrs.put("fileKey", null);
    }
    return attrs;
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    under().setAttribute(fs.unwrap(path), attribute, value, options);
  }

  private FileSystemProvider under() {
    return fs.underlying().provider();
  }

  static ProviderMismatchException mismatch(Path path) {
    return new ProviderMismatchException("not a path of this fault file system: " + path);
  }
}
