package io.encryptedfs.faults;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;

/**
 * Copies within the fault file system by reading and writing through fault channels, so that the
 * copy's content is unforced data like any other write (cp does not fsync either) and counts
 * against the simulated free space.
 */
final class FaultCopy {
  private FaultCopy() {}

  static void copy(Path source, Path target, CopyOption... options) throws IOException {
    List<CopyOption> opts = Arrays.asList(options);
    if (opts.contains(StandardCopyOption.ATOMIC_MOVE)) {
      throw new UnsupportedOperationException("ATOMIC_MOVE is not a copy option");
    }
    LinkOption[] links =
        opts.contains(LinkOption.NOFOLLOW_LINKS)
            ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS}
            : new LinkOption[0];
    BasicFileAttributes attrs = Files.readAttributes(source, BasicFileAttributes.class, links);
    if (attrs.isSymbolicLink() || attrs.isOther()) {
      throw new UnsupportedOperationException("faultfs copies files and directories only");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isSameFile(source, target)) {
        return;
      }
      if (!opts.contains(StandardCopyOption.REPLACE_EXISTING)) {
        throw new FileAlreadyExistsException(target.toString());
      }
      Files.delete(target);
    }
    if (attrs.isDirectory()) {
      Files.createDirectory(target);
    } else {
      try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
          FileChannel out =
              FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.transferFrom(in, 0, Long.MAX_VALUE);
      }
    }
    if (opts.contains(StandardCopyOption.COPY_ATTRIBUTES)) {
      Files.getFileAttributeView(target, BasicFileAttributeView.class)
          .setTimes(attrs.lastModifiedTime(), attrs.lastAccessTime(), attrs.creationTime());
    }
  }
}
