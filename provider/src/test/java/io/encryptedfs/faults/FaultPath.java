package io.encryptedfs.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/** A path of the fault file system: an underlying path with the fault provider attached. */
final class FaultPath implements Path {
  private final FaultInjectingFileSystem fs;
  private final Path delegate;

  FaultPath(FaultInjectingFileSystem fs, Path delegate) {
    this.fs = fs;
    this.delegate = delegate;
  }

  Path delegate() {
    return delegate;
  }

  @Override
  public FaultInjectingFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return delegate.isAbsolute();
  }

  @Override
  public Path getRoot() {
    return fs.faultPath(delegate.getRoot());
  }

  @Override
  public Path getFileName() {
    return fs.faultPath(delegate.getFileName());
  }

  @Override
  public Path getParent() {
    return fs.faultPath(delegate.getParent());
  }

  @Override
  public int getNameCount() {
    return delegate.getNameCount();
  }

  @Override
  public Path getName(int index) {
    return fs.faultPath(delegate.getName(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return fs.faultPath(delegate.subpath(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    return other instanceof FaultPath p && p.fs == fs && delegate.startsWith(p.delegate);
  }

  @Override
  public boolean endsWith(Path other) {
    return other instanceof FaultPath p && p.fs == fs && delegate.endsWith(p.delegate);
  }

  @Override
  public Path normalize() {
    return fs.faultPath(delegate.normalize());
  }

  @Override
  public Path resolve(Path other) {
    return fs.faultPath(delegate.resolve(fs.unwrap(other)));
  }

  @Override
  public Path relativize(Path other) {
    return fs.faultPath(delegate.relativize(fs.unwrap(other)));
  }

  /** {@code faultfs:} followed by the underlying path's URI, e.g. {@code faultfs:file:///x}. */
  @Override
  public URI toUri() {
    return URI.create(FaultFileSystemProvider.SCHEME + ":" + delegate.toUri());
  }

  @Override
  public Path toAbsolutePath() {
    return fs.faultPath(delegate.toAbsolutePath());
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    return fs.faultPath(delegate.toRealPath(options));
  }

  @Override
  public WatchKey register(
      WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("faultfs has no watch service");
  }

  @Override
  public int compareTo(Path other) {
    return delegate.compareTo(((FaultPath) other).delegate);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FaultPath p && p.fs == fs && p.delegate.equals(delegate);
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
