package io.encryptedfs.channel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/** The underlying file of ciphertext: positional reads and writes that loop until complete. */
final class RawFile {
  private final FileChannel channel;
  private final boolean writable;

  RawFile(FileChannel channel, boolean writable) {
    this.channel = channel;
    this.writable = writable;
  }

  /** The raw file opened read-write if possible, read-only for readers otherwise; null if absent. */
  static RawFile openExisting(Path rawPath, String displayPath, ChannelMode mode)
      throws IOException {
    var provider = rawPath.getFileSystem().provider();
    try {
      return new RawFile(
          provider.newFileChannel(
              rawPath, EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE)),
          true);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      if (mode.write()) {
        throw PathErrors.translate(e, displayPath);
      }
    } catch (UnsupportedOperationException e) {
      if (mode.write()) {
        throw e;
      }
    }
    try {
      return new RawFile(provider.newFileChannel(rawPath, EnumSet.of(StandardOpenOption.READ)), false);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, displayPath);
    }
  }

  FileChannel channel() {
    return channel;
  }

  boolean writable() {
    return writable;
  }

  long size() throws IOException {
    return channel.size();
  }

  /** Reads until {@code dst} is full or the file ends; returns the bytes read. */
  int readUpTo(ByteBuffer dst, long position) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, position + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  void readFully(ByteBuffer dst, long position) throws IOException {
    int want = dst.remaining();
    int got = readUpTo(dst, position);
    if (got < want) {
      throw new EOFException("raw file ends " + (want - got) + " bytes early");
    }
  }

  void writeFully(ByteBuffer src, long position) throws IOException {
    long at = position;
    while (src.hasRemaining()) {
      at += channel.write(src, at);
    }
  }

  void truncate(long size) throws IOException {
    channel.truncate(size);
  }

  void force(boolean metaData) throws IOException {
    channel.force(metaData);
  }

  void close() throws IOException {
    channel.close();
  }
}
