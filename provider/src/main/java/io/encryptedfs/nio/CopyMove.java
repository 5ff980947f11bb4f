package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.util.Set;
import java.util.EnumSet;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code Files.copy} with cleartext semantics: a regular file is re-encrypted into a new file with
 * its own file id and data key, so the copy shares no key material with the original.
 */
final class CopyMove {
  private CopyMove() {}

  static void copy(
      EncryptedFileSystemProvider provider, EncryptedPath from, EncryptedPath to, CopyOption... options)
      throws IOException {
    boolean replace = false;
    boolean attributes = false;
    for (CopyOption o : options) {
      if (o == StandardCopyOption.REPLACE_EXISTING) {
        replace = true;
      } else if (o == StandardCopyOption.COPY_ATTRIBUTES) {
        attributes = true;
      } else if (o == StandardCopyOption.ATOMIC_MOVE) {
        throw new UnsupportedOperationException("ATOMIC_MOVE is not a copy option");
      } else if (o != LinkOption.NOFOLLOW_LINKS) {
        throw new UnsupportedOperationException("unsupported copy option " + o);
      }
    }
    BasicFileAttributes source = provider.readAttributes(from, BasicFileAttributes.class);
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      // only an existing target can be the source itself (isSameFile fails on a missing one)
      if (from.getFileSystem() == to.getFileSystem() && provider.isSameFile(from, to)) {
        return;
      }
      if (!replace) {
        throw new FileAlreadyExistsException(to.toString());
      }
      try {
        provider.delete(to);
      } catch (DirectoryNotEmptyException e) {
        throw new DirectoryNotEmptyException(to.toString());
      }
    }
    if (source.isDirectory()) {
      provider.createDirectory(to);
    } else {
      copyContent(from, to, false);
    }
    if (attributes) {
      try {
        provider
            .getFileAttributeView(to, BasicFileAttributeView.class)
            .setTimes(source.lastModifiedTime(), source.lastAccessTime(), source.creationTime());
      } catch (FileSystemException e) {
        throw PathErrors.translate(e, to.toString());
      }
    }
  }

  /** Copies cleartext between two encrypted paths, possibly of different file systems. */
  static void copyContent(EncryptedPath from, EncryptedPath to, boolean replace) throws IOException {
    Set<StandardOpenOption> opts =
        replace
            ? EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)
            : EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    try (FileChannel in = from.getFileSystem().provider().newFileChannel(from, EnumSet.of(StandardOpenOption.READ));
        FileChannel out = to.getFileSystem().provider().newFileChannel(to, opts)) {
      ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
      while (in.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          out.write(buf);
        }
        buf.clear();
      }
    }
  }
}
