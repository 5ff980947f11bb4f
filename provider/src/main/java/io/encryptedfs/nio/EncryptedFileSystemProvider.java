package io.encryptedfs.nio;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.channel.AsyncChannelAdapter;
import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code encrypted:} provider. It checks that paths are its own, maps them to the underlying
 * files and delegates; content goes through the channel layer, everything else through the
 * underlying provider with the caller's path in any exception. Names starting with the root
 * marker's are internal at the root ({@link EncryptedFileSystem#isInternal}) and created nowhere:
 * creating opens, {@code createDirectory}, {@code createSymbolicLink}, {@code copy} and {@code
 * move} refuse them ({@link ReservedNames}). Where the root's directory folds case, in any case
 * ({@link MarkerNames}).
 */
public final class EncryptedFileSystemProvider extends FileSystemProvider {
  private final OpenFileSystems fileSystems = new OpenFileSystems(this);

  @Override
  public String getScheme() {
    return EncryptedFileSystems.SCHEME;
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    Path dir = OpenFileSystems.directoryOf(uri);
    return fileSystems.open(dir, env);
  }

  /** A missing path is a root only where {@code env} says so ({@link RootRecognition}). */
  @Override
  public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
    RootRecognition.requireRecognized(path, env);
    return fileSystems.open(path, env);
  }

  /** {@code EncryptedFileSystems.newFileSystem}, whose settings may all come from outside code. */
  public FileSystem openRoot(Path directory, Map<String, ?> env) throws IOException {
    RootRecognition.requireDirectoryOrMissing(directory);
    return fileSystems.open(directory, env);
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    return fileSystems.get(uri);
  }

  /** See {@link OpenFileSystems#path}: a URI may open its root from the environment. */
  @Override
  public Path getPath(URI uri) {
    return fileSystems.path(uri);
  }

  void removed(EncryptedFileSystem fs) {
    fileSystems.removed(fs);
  }

  static EncryptedPath check(Path path) {
    if (!(path instanceof EncryptedPath p)) {
      throw new ProviderMismatchException("not an encrypted path: " + path);
    }
    p.getFileSystem().ensureOpen();
    return p;
  }

  /**
   * The underlying file for a caller's path; internal files look absent, and so does a path through
   * a name that is not a directory ({@link DotNames}).
   */
  static Path raw(EncryptedPath p) throws IOException {
    EncryptedPath abs = DotNames.resolved(p);
    Path raw = p.getFileSystem().rawPath(abs);
    if (p.getFileSystem().isInternal(abs, raw)) {
      throw new NoSuchFileException(p.toString());
    }
    return raw;
  }

  static FileSystemProvider rawProvider(EncryptedPath p) {
    return p.getFileSystem().root().getFileSystem().provider();
  }

  @Override
  public FileChannel newFileChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    EncryptedPath p = check(path);
    return ReservedNames.open(p, options, o -> open(p, o, attrs));
  }

  private static FileChannel open(
      EncryptedPath p, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    EncryptedFileSystem fs = p.getFileSystem();
    Path raw = raw(p);
    boolean writes =
        options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    // The JDK opens with O_NOFOLLOW for DELETE_ON_CLOSE too: the close deletes the name, and a
    // link someone put there (a temporary file's name is guessable) must not lead the open, and
    // its TRUNCATE_EXISTING, to another file.
    if ((options.contains(LinkOption.NOFOLLOW_LINKS)
            || options.contains(StandardOpenOption.DELETE_ON_CLOSE))
        && !(writes && options.contains(StandardOpenOption.CREATE_NEW))
        && Files.isSymbolicLink(raw)) {
      // As open(2) with O_NOFOLLOW (ELOOP), in the JDK's words, and naming the path, which the
      // JDK's plain IOException does not. A link put in its place between this check and the
      // open is still followed: see README "Known limits".
      throw new FileSystemException(
          p.toString(), null, "Too many levels of symbolic links (NOFOLLOW_LINKS specified)");
    }
    // Without WRITE or APPEND the JDK ignores the creating and truncating options, so such an
    // open of a directory succeeds, as a read-only one does: the open files give it a
    // DirectoryChannel (see RootSetup), telling a directory by the look that identifies the file.
    return fs.files().newFileChannel(raw, p.toString(), options, () -> fs.policyFor(p), attrs);
  }

  @Override
  public AsynchronousFileChannel newAsynchronousFileChannel(
      Path path,
      Set<? extends OpenOption> options,
      ExecutorService executor,
      FileAttribute<?>... attrs)
      throws IOException {
    if (options.contains(StandardOpenOption.APPEND)) {
      throw new UnsupportedOperationException("APPEND not allowed"); // as the JDK's
    }
    FileChannel channel = newFileChannel(path, options, attrs);
    if (executor != null) {
      return new AsyncChannelAdapter(channel, executor, false);
    }
    ExecutorService own =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "encryptedfs-async");
              t.setDaemon(true);
              return t;
            });
    return new AsyncChannelAdapter(channel, own, true);
  }

  /** Streams work on a thread whose interrupt status is set, as the default file system's do. */
  @Override
  public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
    return StreamChannel.input(this, path, options);
  }

  @Override // as newInputStream
  public OutputStream newOutputStream(Path path, OpenOption... options) throws IOException {
    return StreamChannel.output(this, path, options);
  }

  @Override
  public SeekableByteChannel newByteChannel(
      Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(
      Path dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
    EncryptedPath p = check(dir);
    try {
      return p.getFileSystem()
          .opened(
              new EncryptedDirectoryStream(
                  rawProvider(p).newDirectoryStream(raw(p), entry -> true), p, filter));
    } catch (NotDirectoryException e) {
      // Looked at only where listing failed: a link to the marker is a link to nothing.
      if (!MarkerLinks.rawFollowed(p).equals(raw(p))) {
        throw new NoSuchFileException(p.toString());
      }
      throw PathErrors.translate(e, p.toString());
    } catch (FileSystemException e) {
      if (DotNames.notADirectory(e)) {
        throw new NotDirectoryException(p.toString()); // as the JDK's listing reports ENOTDIR
      }
      throw PathErrors.translate(e, p.toString());
    }
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    EncryptedPath p = check(dir);
    if (p.toAbsolutePath().normalize().getNameCount() == 0) {
      throw new FileAlreadyExistsException(p.toString());
    }
    ReservedNames.refuseCreating(p);
    try {
      rawProvider(p).createDirectory(raw(p), attrs);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs)
      throws IOException {
    SymbolicLinks.create(check(link), check(target), attrs);
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    HardLinks.create(check(link), check(existing));
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    return SymbolicLinks.read(check(link));
  }

  @Override
  public void delete(Path path) throws IOException {
    EncryptedPath p = check(path);
    Path raw = raw(p);
    if (p.toAbsolutePath().normalize().getNameCount() == 0) {
      // Its directory holds the root's marker, so it was refused as not empty even when nothing
      // was listed in it; as Jimfs does, say what it is.
      throw new FileSystemException(p.toString(), null, "the root directory cannot be deleted");
    }
    DotNames.refuseRemoving(p);
    try {
      p.getFileSystem().files().delete(raw, () -> rawProvider(p).delete(raw));
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    EncryptedPath from = check(source);
    EncryptedPath to = check(target);
    DotNames.refuseReplacing(to, options);
    CopyMove.copy(this, from, to, options);
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    EncryptedPath from = check(source);
    EncryptedPath to = check(target);
    DotNames.refuseMoving(from, to, options);
    if (from.getFileSystem() != to.getFileSystem()) {
      CopyMove.moveAcrossRoots(this, from, to, options);
      return;
    }
    CopyMove.moveWithinRoot(from, to, options);
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    EncryptedPath a = check(path);
    if (!(path2 instanceof EncryptedPath b) || a.getFileSystem() != b.getFileSystem()) {
      return false;
    }
    // Equal paths need no look at the files, as the JDK's; paths equal only once normalized
    // (/x and /./x) map to one underlying path, which the underlying provider would take as equal
    // too, so the file must be looked at here: it may not exist.
    if (a.equals(b)) {
      return true;
    }
    Path rawA = raw(a);
    Path rawB = raw(b);
    if (rawA.equals(rawB)) {
      MarkerLinks.attributes(a, rawA, BasicFileAttributes.class);
      return true;
    }
    // One stat each, which also tells the marker reached through a link; the underlying provider
    // answers, reading both again, only where a file has no key (none there, not readable, or a
    // file system without them), so a missing file fails, or not, in its own way.
    MarkerLinks.Followed followedA = MarkerLinks.follow(a, rawA);
    MarkerLinks.Followed followedB = MarkerLinks.follow(b, rawB);
    if (followedA.fileKey() != null && followedB.fileKey() != null) {
      return followedA.fileKey().equals(followedB.fileKey());
    }
    try {
      return rawProvider(a).isSameFile(followedA.raw(), followedB.raw());
    } catch (FileSystemException e) {
      // name the path the underlying exception is about, and only it, as the JDK does
      boolean aboutB = followedB.raw().toString().equals(e.getFile());
      throw PathErrors.translate(e, aboutB ? b.toString() : a.toString());
    }
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    EncryptedPath p = check(path);
    EncryptedPath name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    EncryptedPath p = check(path);
    try {
      return new EncryptedFileStore(
          p.getFileSystem(), rawProvider(p).getFileStore(MarkerLinks.rawFollowed(p)));
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    EncryptedPath p = check(path);
    try {
      if (modes.length == 0) {
        // Files.exists: a stat, where the JDK makes an access(2), costs the same and lets the
        // marker check use what it read.
        Path raw = raw(p);
        MarkerLinks.refuse(p, raw, rawProvider(p).readAttributes(raw, BasicFileAttributes.class));
      } else {
        rawProvider(p).checkAccess(MarkerLinks.rawFollowed(p), modes);
      }
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(
      Path path, Class<V> type, LinkOption... options) {
    EncryptedPath p = check(path);
    String name = AttributeViews.nameOf(type);
    if (name == null || !p.getFileSystem().supportedFileAttributeViews().contains(name)) {
      return null;
    }
    return AttributeViews.view(this, p, type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(
      Path path, Class<A> type, LinkOption... options) throws IOException {
    return PathAttributes.read(check(path), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    return PathAttributes.read(check(path), attributes, options);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options)
      throws IOException {
    PathAttributes.set(check(path), attribute, value, options);
  }

  /** The real path stays inside this file system: the root's real path is its own root. */
  EncryptedPath toRealPath(EncryptedPath path, LinkOption... options) throws IOException {
    EncryptedPath p = check(path);
    Path rawRoot = p.getFileSystem().root().toRealPath();
    Path real;
    try {
      real = raw(p).toRealPath(options);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
    if (!real.startsWith(rawRoot)) {
      throw new FileSystemException(p.toString(), null, "resolves outside the encrypted root");
    }
    EncryptedPath result = p.getFileSystem().getPath("/");
    for (Path name : rawRoot.relativize(real)) {
      if (!name.toString().isEmpty()) {
        result = result.resolve(p.getFileSystem().getPath(RawNames.name(name, p.toString())));
      }
    }
    if (p.getFileSystem().isInternal(result, rawRoot.resolve(rawRoot.relativize(real)))) {
      throw new NoSuchFileException(p.toString()); // a link led to the marker
    }
    return result;
  }
}
