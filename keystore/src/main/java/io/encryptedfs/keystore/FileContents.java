package io.encryptedfs.keystore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * Reads a small file whole into a fresh array, leaving no other copy of its bytes behind.
 *
 * <p>Password files pass through here, so the buffer the bytes are read into is wiped before
 * returning, whatever happens. The default buffer is direct: reading a heap buffer makes the JDK
 * copy the bytes through a cached direct buffer of its own, which nothing can wipe.
 */
final class FileContents {
  private FileContents() {}

  static byte[] read(FileChannel channel, Path file, long maxSize) throws IOException {
    return read(channel, file, maxSize, ByteBuffer::allocateDirect);
  }

  /**
   * Reads {@code channel} from its start to its end.
   *
   * @param buffers allocates the one buffer the bytes are read into; a test hook
   * @throws IOException naming {@code file} if it is larger than {@code maxSize} bytes, grows while
   *     it is read, or cannot be read (a directory, say)
   */
  static byte[] read(FileChannel channel, Path file, long maxSize, IntFunction<ByteBuffer> buffers)
      throws IOException {
    try {
      return readAll(channel, file, maxSize, buffers);
    } catch (FileSystemException | ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      // The JDK says only "Is a directory" or "Input/output error", without the path.
      throw named(file, e);
    }
  }

  private static byte[] readAll(
      FileChannel channel, Path file, long maxSize, IntFunction<ByteBuffer> buffers)
      throws IOException {
    long size = channel.size();
    if (size > maxSize) {
      throw new FileSystemException(
          file.toString(), null, "too large (" + size + " bytes, at most " + maxSize + ")");
    }
    // One byte more than the size, to notice a file that grew since its size was taken.
    ByteBuffer buffer = buffers.apply((int) size + 1);
    try {
      while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
        // A channel may return fewer bytes than asked for.
      }
      if (buffer.position() > size) {
        throw new FileSystemException(file.toString(), null, "changed while it was read");
      }
      byte[] contents = new byte[buffer.position()];
      buffer.flip().get(contents);
      return contents;
    } finally {
      buffer.clear();
      while (buffer.hasRemaining()) {
        buffer.put((byte) 0);
      }
    }
  }

  /**
   * Reads {@code channel} to its end as a stream: for a pipe ({@code <(pass show db)}, {@code
   * /dev/stdin}), which has no size and no positions to read at.
   *
   * @throws IOException naming {@code file} if more than {@code maxSize} bytes come, or the channel
   *     cannot be read
   */
  static byte[] readStream(ReadableByteChannel channel, Path file, int maxSize) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(maxSize + 1);
    try {
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // A pipe gives what its writer has written so far.
      }
      if (buffer.position() > maxSize) {
        throw new FileSystemException(
            file.toString(), null, "too large (more than " + maxSize + " bytes)");
      }
      byte[] contents = new byte[buffer.position()];
      buffer.flip().get(contents);
      return contents;
    } catch (FileSystemException | ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      throw named(file, e);
    } finally {
      buffer.clear();
      while (buffer.hasRemaining()) {
        buffer.put((byte) 0);
      }
    }
  }

  private static FileSystemException named(Path file, IOException e) {
    FileSystemException named =
        new FileSystemException(file.toString(), null, "cannot read: " + e.getMessage());
    named.initCause(e);
    return named;
  }
}
