package io.encryptedfs.keystore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/** A path of a {@link FailingFileSystem}: an underlying path with that file system attached. */
final class FailingPath implements Path {
  private final FailingFileSystem fs;
  private final Path delegate;

  FailingPath(FailingFileSystem fs, Path delegate) {
    this.fs = fs;
    this.delegate = delegate;
  }

  /** The underlying path of {@code path}, which must belong to {@code fs}. */
  static Path unwrap(FailingFileSystem fs, Path path) {
    if (path instanceof FailingPath p && p.fs == fs) {
      return p.delegate;
    }
    throw new ProviderMismatchException("not a path of this failing file system: " + path);
  }

  private Path wrap(Path underlying) {
    return fs.wrap(underlying);
  }

  @Override
  public FailingFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return delegate.isAbsolute();
  }

  @Override
  public Path getRoot() {
    return wrap(delegate.getRoot());
  }

  @Override
  public Path getFileName() {
    return wrap(delegate.getFileName());
  }

  @Override
  public Path getParent() {
    return wrap(delegate.getParent());
  }

  @Override
  public int getNameCount() {
    return delegate.getNameCount();
  }

  @Override
  public Path getName(int index) {
    return wrap(delegate.getName(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return wrap(delegate.subpath(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    return other instanceof FailingPath p && p.fs == fs && delegate.startsWith(p.delegate);
  }

  @Override
  public boolean endsWith(Path other) {
    return other instanceof FailingPath p && p.fs == fs && delegate.endsWith(p.delegate);
  }

  @Override
  public Path normalize() {
    return wrap(delegate.normalize());
  }

  @Override
  public Path resolve(Path other) {
    return wrap(delegate.resolve(unwrap(fs, other)));
  }

  @Override
  public Path relativize(Path other) {
    return wrap(delegate.relativize(unwrap(fs, other)));
  }

  @Override
  public URI toUri() {
    throw new UnsupportedOperationException("a failing file system's paths have no URI");
  }

  @Override
  public Path toAbsolutePath() {
    return wrap(delegate.toAbsolutePath());
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    return wrap(delegate.toRealPath(options));
  }

  @Override
  public WatchKey register(
      WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("a failing file system has no watch service");
  }

  @Override
  public int compareTo(Path other) {
    return delegate.compareTo(unwrap(fs, other));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FailingPath p && p.fs == fs && p.delegate.equals(delegate);
  }

  @Override
  public int hashCode() {
    return delegate.hashCode();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
