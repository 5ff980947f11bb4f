package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lists a directory's entries as encrypted paths, hiding the root's internal files. Closed with its
 * file system.
 */
final class EncryptedDirectoryStream implements DirectoryStream<Path> {
  private final DirectoryStream<Path> raw;
  private final EncryptedPath dir;
  private final Filter<? super Path> filter;
  private volatile boolean closed;

  EncryptedDirectoryStream(
      DirectoryStream<Path> raw, EncryptedPath dir, Filter<? super Path> filter) {
    this.raw = raw;
    this.dir = dir;
    this.filter = filter;
  }

  @Override
  public Iterator<Path> iterator() {
    Iterator<Path> it = raw.iterator();
    return new Iterator<>() {
      private Path next;

      @Override
      public boolean hasNext() {
        if (closed) {
          // as a closed stream's iterator ends, including entries the underlying one read ahead
          next = null;
          return false;
        }
        while (next == null && it.hasNext()) {
          Path rawEntry = it.next();
          try {
            EncryptedPath candidate =
                dir.resolve(dir.getFileSystem().getPath(RawNames.name(rawEntry, dir.toString())));
            if (dir.getFileSystem().isInternal(candidate.toAbsolutePath().normalize(), rawEntry)) {
              continue;
            }
            if (filter.accept(candidate)) {
              next = candidate;
            }
          } catch (IOException e) {
            throw new DirectoryIteratorException(e);
          }
        }
        return next != null;
      }

      @Override
      public Path next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Path p = next;
        next = null;
        return p;
      }
    };
  }

  @Override
  public void close() throws IOException {
    closed = true;
    dir.getFileSystem().directoryStreamClosed(this);
    raw.close();
  }
}
