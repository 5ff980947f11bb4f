package io.encryptedfs.nio;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.channel.KeyFailures;
import io.encryptedfs.channel.NewFilePolicy;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An encrypted file system rooted at a directory of another file system.
 *
 * <p>Design: names and directories are stored as they are in the underlying directory; every
 * regular file is an encrypted file (see {@code provider/FORMAT.md}) whose cleartext only this file
 * system shows. {@link EncryptedPath} is a plain value; {@link EncryptedFileSystemProvider} checks
 * paths and delegates; {@link OpenFiles} keeps one shared open-file state per underlying file, so
 * every channel on a file sees the same size and blocks. That registry's monitor guards opening and
 * closing files; each open file has its own read-write lock for content (reads concurrent, writes
 * exclusive). The root holds one internal file, {@value #MARKER}, itself encrypted, which proves
 * the master key and records how the root was made; it never appears in listings. No call creates a
 * name starting with it in any directory ({@link ReservedNames}), since below the root such a file
 * marks a nested root; where the underlying directory folds case, in any case ({@link
 * MarkerNames}).
 */
final class EncryptedFileSystem extends FileSystem {
  static final String MARKER = ".encryptedfs";

  private final EncryptedFileSystemProvider provider;
  private final Path root;
  private final URI key;
  private final KeyProvider keys;
  private final NewFilePolicy policy;
  private final OpenFiles files;
  private final NewFiles newFiles;
  private final MarkerNames markerNames;
  private final StagedCopies stagedCopies = new StagedCopies();
  private final Set<EncryptedWatchService> watchServices = ConcurrentHashMap.newKeySet();
  private final Set<EncryptedDirectoryStream> directoryStreams = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;

  EncryptedFileSystem(
      EncryptedFileSystemProvider provider,
      Path root,
      URI key,
      KeyProvider keys,
      NewFilePolicy policy,
      OpenFiles files,
      NewFiles newFiles,
      MarkerNames markerNames) {
    this.provider = provider;
    this.root = root;
    this.key = key;
    this.keys = keys;
    this.policy = policy;
    this.files = files;
    this.newFiles = newFiles;
    this.markerNames = markerNames;
  }

  /**
   * How a new file at {@code path} is made: the root's settings and the key policy's alias. A root
   * opened without a usable key for new files (see RootSetup) fails here, at each creation, as its
   * open would have: an UnknownKeyAliasException, its message led by the path; a
   * KeyProviderException, led so too, for a current alias too long for a header; or, for a keystore
   * that holds several keys and marks none current, a FileSystemException naming the path. A
   * keystore that no longer reads when the current key is looked up fails so too ({@link
   * KeyFailures}).
   */
  NewFilePolicy policyFor(EncryptedPath path) throws IOException {
    try {
      return newFiles.forPath(path.toAbsolutePath().normalize().toString());
    } catch (UnknownKeyAliasException e) {
      throw e.in(path.toString());
    } catch (IOException e) {
      throw KeyFailures.forFile(path.toString(), e);
    } catch (IllegalArgumentException e) {
      throw new FileSystemException(
          path.toString(), null, "no key for new files: " + e.getMessage());
    }
  }

  NewFiles newFiles() {
    return newFiles;
  }

  KeyProvider keys() {
    return keys;
  }

  Path root() {
    return root;
  }

  URI key() {
    return key;
  }

  NewFilePolicy policy() {
    return policy;
  }

  OpenFiles files() {
    return files;
  }

  StagedCopies stagedCopies() {
    return stagedCopies;
  }

  /** Which names are the marker's, as the root's directory looks them up. */
  MarkerNames markerNames() {
    return markerNames;
  }

  /** The underlying file that stores {@code path}. */
  Path rawPath(EncryptedPath path) {
    EncryptedPath p = path.toAbsolutePath().normalize();
    Path raw = root;
    for (int i = 0; i < p.nameCount(); i++) {
      raw = raw.resolve(p.name(i));
    }
    return raw;
  }

  /**
   * True for the root's internal files and what would lie below them, which callers can neither see
   * nor touch: names starting with {@link #MARKER} in the root's directory (in any case where that
   * directory folds case: {@link MarkerNames}), also when a symbolic link inside the root leads
   * there ({@code /self/.encryptedfs} with {@code /self -> .}). A path below one ({@code
   * /.encryptedfs/x}) is internal too, so that it fails as below a missing file, not as below a
   * regular one ("Not a directory"), which would tell that the file is there. A link whose own
   * target is the marker has an ordinary name: {@link MarkerLinks} catches it by the file it
   * reaches. In any other directory such a name is ordinary, but no call creates one there either:
   * see {@link ReservedNames}, which refuses a creating call on any of these names. On a root that
   * folds case, a name that may be another name of the marker's file (FAT's short names: {@link
   * MarkerNames#mayAliasMarker}) is internal if it is that file, wherever it is.
   *
   * @param raw the underlying file {@code absoluteNormalized} maps to
   */
  boolean isInternal(EncryptedPath absoluteNormalized, Path raw) {
    int names = absoluteNormalized.nameCount();
    for (int i = 0; i < names; i++) {
      String name = absoluteNormalized.name(i);
      if (markerNames.isReserved(name) && inRootDirectory(raw, names - i)) {
        return true;
      }
      if (markerNames.mayAliasMarker(name) && isMarker(ancestor(raw, names - i - 1))) {
        return true;
      }
    }
    return false;
  }

  /** {@code raw} without its last {@code up} names. */
  private static Path ancestor(Path raw, int up) {
    Path p = raw;
    for (int i = 0; i < up; i++) {
      p = p.getParent();
    }
    return p;
  }

  /** Whether {@code raw}, a link not followed, is the root's marker by identity. */
  private boolean isMarker(Path raw) {
    try {
      return files
          .reserved()
          .is(raw, Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      return false; // nothing there, or nothing to look at: not the marker
    }
  }

  /** Whether the directory holding the name {@code fromEnd} names up from raw's end is the root. */
  private boolean inRootDirectory(Path raw, int fromEnd) {
    Path dir = raw;
    for (int i = 0; i < fromEnd; i++) {
      dir = dir.getParent();
    }
    if (dir.equals(root)) {
      return true;
    }
    // Rare (a name starting with the marker's, below the root), so the stat pair is affordable.
    try {
      return Files.isSameFile(dir, root);
    } catch (IOException e) {
      return false; // the directory is not there to lead anywhere
    }
  }

  URI uriOf(EncryptedPath absolute) {
    return URI.create(key + "!" + absolute.toUri0());
  }

  void ensureOpen() {
    if (!open) {
      throw new ClosedFileSystemException();
    }
  }

  @Override
  public EncryptedFileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() throws IOException {
    if (!open) {
      return;
    }
    open = false;
    try {
      files.closeAll();
    } finally {
      provider.removed(this);
      try {
        IOException failure = closeEach(List.copyOf(directoryStreams), null);
        failure = closeEach(List.copyOf(watchServices), failure);
        if (failure != null) {
          throw failure;
        }
      } finally {
        keys.close();
      }
    }
  }

  void watchServiceClosed(EncryptedWatchService service) {
    watchServices.remove(service);
  }

  /**
   * Tracks a directory stream opened on this file system, which its close closes, as it closes
   * channels and watch services; one opened as the close began is closed at once.
   */
  EncryptedDirectoryStream opened(EncryptedDirectoryStream stream) throws IOException {
    directoryStreams.add(stream);
    if (!open) {
      stream.close();
      throw new ClosedFileSystemException();
    }
    return stream;
  }

  void directoryStreamClosed(EncryptedDirectoryStream stream) {
    directoryStreams.remove(stream);
  }

  /**
   * Closes each of {@code closeables} (a watch service's close releases a thread waiting in {@code
   * take}); returns {@code failure}, the first failure before, with those of these added.
   */
  private static IOException closeEach(List<? extends Closeable> closeables, IOException failure) {
    for (Closeable c : closeables) {
      try {
        c.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    ensureOpen();
    return List.of(new EncryptedPath(this, true, new String[0]));
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    ensureOpen();
    try {
      return List.of(
          new EncryptedFileStore(this, root.getFileSystem().provider().getFileStore(root)));
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * {@code basic}, and {@code posix}, {@code unix} and {@code owner} where the underlying file
   * system has them; {@code unix} has no view class, only attributes read and set by name.
   */
  @Override
  public Set<String> supportedFileAttributeViews() {
    Set<String> views = new LinkedHashSet<>();
    views.add("basic");
    for (String v : root.getFileSystem().supportedFileAttributeViews()) {
      if (v.equals("posix") || v.equals("unix") || v.equals("owner")) {
        views.add(v);
      }
    }
    return views;
  }

  @Override
  public EncryptedPath getPath(String first, String... more) {
    return EncryptedPath.parse(this, first, more);
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
    return path -> matcher.matches(FileSystems.getDefault().getPath(path.toString()));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return root.getFileSystem().getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() throws IOException {
    ensureOpen();
    EncryptedWatchService service = EncryptedWatchService.open(this);
    watchServices.add(service);
    if (!open) {
      service.close();
      throw new ClosedFileSystemException();
    }
    return service;
  }

  @Override
  public String toString() {
    // The escaped form: a raw '!' in the directory's name would end the root's URI there.
    return EncryptedFileSystems.uriOf(root).toString();
  }
}
