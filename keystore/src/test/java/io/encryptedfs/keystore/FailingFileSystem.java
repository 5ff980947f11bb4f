package io.encryptedfs.keystore;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A file system over another (Jimfs, in these tests) on which chosen operations on chosen paths
 * fail as a sick disk or server makes them fail, for the error paths no real file system reaches on
 * demand: a delete after a failed write, a lock on NFS without a lock daemon.
 */
final class FailingFileSystem extends FileSystem {
  enum Op {
    /** Deleting fails with EIO. */
    DELETE,
    /** Renaming fails with EIO. */
    MOVE,
    /** Making a hard link fails with EIO. */
    LINK,
    /** Channels opened on the path find the device full. */
    WRITE,
    /** Channels opened on the path cannot lock it: ENOLCK, as on NFS without a lock daemon. */
    LOCK
  }

  private final FileSystem underlying;
  private final FileSystemProvider provider = new Provider();
  private final Map<Op, Predicate<Path>> failing = new ConcurrentHashMap<>();

  FailingFileSystem(FileSystem underlying) {
    this.underlying = underlying;
  }

  /** From now on, {@code op} fails on paths that match {@code paths}; nothing else changes. */
  void fail(Op op, Predicate<Path> paths) {
    failing.put(op, paths);
  }

  /** From now on, every operation goes through to the underlying file system. */
  void failNothing() {
    failing.clear();
  }

  Path wrap(Path underlyingPath) {
    return underlyingPath == null ? null : new FailingPath(this, underlyingPath);
  }

  private Path unwrap(Path path) {
    return FailingPath.unwrap(this, path);
  }

  private boolean fails(Op op, Path path) {
    return failing.getOrDefault(op, p -> false).test(path);
  }

  private void failIfChosen(Op op, Path path) throws FileSystemException {
    if (fails(op, path)) {
      // The operation in the reason tells a test which of several failures it is looking at.
      throw new FileSystemException(path.toString(), null, "Input/output error (" + op + ")");
    }
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  /** The underlying file system belongs to the test, which closes it. */
  @Override
  public void close() {}

  @Override
  public boolean isOpen() {
    return underlying.isOpen();
  }

  @Override
  public boolean isReadOnly() {
    return underlying.isReadOnly();
  }

  @Override
  public String getSeparator() {
    return underlying.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    underlying.getRootDirectories().forEach(root -> roots.add(wrap(root)));
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return underlying.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return underlying.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(underlying.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher matcher = underlying.getPathMatcher(syntaxAndPattern);
    return path -> matcher.matches(unwrap(path));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return underlying.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("a failing file system has no watch service");
  }

  /** A channel that reads and writes through but cannot lock, as on NFS without lockd. */
  private static final class Unlockable extends FillingChannel {
    Unlockable(FileChannel delegate) {
      super(delegate, Long.MAX_VALUE);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      throw new IOException("No locks available");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      throw new IOException("No locks available");
    }
  }

  private final class Provider extends FileSystemProvider {
    private FileSystemProvider under() {
      return underlying.provider();
    }

    @Override
    public String getScheme() {
      return "failing";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Path getPath(URI uri) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SeekableByteChannel newByteChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
        throws IOException {
      return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(
        Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
        throws IOException {
      FileChannel channel = under().newFileChannel(unwrap(path), options, attrs);
      if (fails(Op.WRITE, path)) {
        return new FillingChannel(channel, 0);
      }
      return fails(Op.LOCK, path) ? new Unlockable(channel) : channel;
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(
        Path dir, DirectoryStream.Filter<? super Path> filter) {
      throw new UnsupportedOperationException("list the underlying file system instead");
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
      under().createDirectory(unwrap(dir), attrs);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
      failIfChosen(Op.LINK, link);
      under().createLink(unwrap(link), unwrap(existing));
    }

    @Override
    public void delete(Path path) throws IOException {
      failIfChosen(Op.DELETE, path);
      under().delete(unwrap(path));
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
      under().copy(unwrap(source), unwrap(target), options);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
      failIfChosen(Op.MOVE, source);
      under().move(unwrap(source), unwrap(target), options);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
      return under().isSameFile(unwrap(path), unwrap(path2));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
      return under().isHidden(unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
      return under().getFileStore(unwrap(path));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
      under().checkAccess(unwrap(path), modes);
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(
        Path path, Class<V> type, LinkOption... options) {
      return under().getFileAttributeView(unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(
        Path path, Class<A> type, LinkOption... options) throws IOException {
      return under().readAttributes(unwrap(path), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
        throws IOException {
      return under().readAttributes(unwrap(path), attributes, options);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
        throws IOException {
      under().setAttribute(unwrap(path), attribute, value, options);
    }
  }
}
