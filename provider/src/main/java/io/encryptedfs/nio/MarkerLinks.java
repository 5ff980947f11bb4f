package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Keeps symbolic links from reaching the root's marker: a link inside the root whose target is the
 * marker ({@code /m -> .encryptedfs}, or an absolute underlying path to it) looks like a link to
 * nothing. Names are no help here (the link's own name is ordinary), so the file reached is told by
 * its identity; opens check it in the channel layer, where they have it already, and the calls
 * here check attributes they read anyway, or read them once more.
 */
final class MarkerLinks {
  private MarkerLinks() {}

  /**
   * {@link EncryptedFileSystemProvider#raw}, for a call that follows a link there unless {@code
   * options} say not to: the underlying file, or, if a link leads to the root's marker, an
   * underlying path to nothing, so that the call goes as through a link to nothing, in the
   * underlying file system's own way. Costs one {@code stat}; calls that read the file's
   * attributes anyway check them instead ({@link #refuse}).
   */
  static Path rawFollowed(EncryptedPath p, LinkOption... options) throws IOException {
    Path raw = EncryptedFileSystemProvider.raw(p);
    if (Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS)) {
      return raw;
    }
    BasicFileAttributes attrs;
    try {
      attrs =
          EncryptedFileSystemProvider.rawProvider(p)
              .readAttributes(raw, BasicFileAttributes.class);
    } catch (IOException e) {
      return raw; // not there, or not to be looked at: the call itself says so
    }
    if (p.getFileSystem().files().reserved().is(raw, attrs)) {
      // A reserved name in the root, which no call through the file system can create.
      return p.getFileSystem().root().resolve(EncryptedFileSystem.MARKER + ".absent");
    }
    return raw;
  }

  /** Refuses {@code p} as absent if {@code attrs}, read at {@code raw}, are the root marker's. */
  static void refuse(EncryptedPath p, Path raw, BasicFileAttributes attrs) throws IOException {
    if (p.getFileSystem().files().reserved().is(raw, attrs)) {
      throw new NoSuchFileException(p.toString());
    }
  }
}
