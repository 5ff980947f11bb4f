package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/**
 * A read-only channel on a directory, as {@code FileChannel.open(dir, READ)} gives on POSIX
 * systems, where its only use is {@code force} to make the directory's entries durable (Lucene's
 * {@code IOUtils.fsync(dir, true)}, a write-ahead log syncing its parent). {@code force} forces the
 * underlying directory; where the underlying file system cannot open a directory (Jimfs), there is
 * nothing to force and it does nothing. Reading throws "is a directory", as it does on Linux.
 */
final class DirectoryChannel extends FileChannel {
  private final String display;
  private final FileChannel raw; // null: the underlying file system cannot open directories
  private long position;

  private DirectoryChannel(String display, FileChannel raw) {
    this.display = display;
    this.raw = raw;
  }

  static DirectoryChannel open(Path rawDir, String display) throws IOException {
    FileChannel raw;
    try {
      raw =
          rawDir
              .getFileSystem()
              .provider()
              .newFileChannel(rawDir, EnumSet.of(StandardOpenOption.READ));
    } catch (UnsupportedOperationException | FileSystemException e) {
      raw = null;
    }
    return new DirectoryChannel(display, raw);
  }

  private IOException isDirectory() {
    return new FileSystemException(display, null, "is a directory");
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    throw isDirectory();
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    ensureOpen();
    throw isDirectory();
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    ensureOpen();
    throw isDirectory();
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position");
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    // The directory's own size, as a FileChannel on it reports (4096 on ext4); nothing to decrypt.
    return raw == null ? 0 : raw.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) throws IOException {
    ensureOpen();
    if (raw != null) {
      raw.force(metaData);
    }
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    ensureOpen();
    throw isDirectory();
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    ensureOpen();
    throw new NonWritableChannelException();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    ensureOpen();
    throw isDirectory();
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    ensureOpen();
    throw isDirectory();
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    ensureOpen();
    throw isDirectory();
  }

  @Override
  protected void implCloseChannel() throws IOException {
    if (raw != null) {
      raw.close();
    }
  }
}
