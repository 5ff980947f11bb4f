package io.encryptedfs.nio;

import io.encryptedfs.channel.PathErrors;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Keeps symbolic links from reaching the root's marker: a link inside the root whose target is the
 * marker ({@code /m -> .encryptedfs}, or an absolute underlying path to it) looks like a link to
 * nothing. Names are no help here (the link's own name is ordinary), so the file reached is told by
 * its identity; opens check it in the channel layer, where they have it already, and the calls here
 * check attributes they read anyway, or read them once more.
 */
final class MarkerLinks {
  private MarkerLinks() {}

  /**
   * {@link EncryptedFileSystemProvider#raw}, for a call that follows a link there unless {@code
   * options} say not to: the underlying file, or, if a link leads to the root's marker, an
   * underlying path to nothing, so that the call goes as through a link to nothing, in the
   * underlying file system's own way. Costs one {@code stat}; calls that read the file's attributes
   * anyway check them instead ({@link #attributes}).
   */
  static Path rawFollowed(EncryptedPath p, LinkOption... options) throws IOException {
    Path raw = EncryptedFileSystemProvider.raw(p);
    if (Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS)) {
      return raw;
    }
    return follow(p, raw).raw();
  }

  /**
   * Where a call following links from {@code p} goes: {@code raw}, or a path to nothing in place of
   * the marker; and the file's key, where its attributes were read and have one.
   */
  record Followed(Path raw, Object fileKey) {}

  /** {@link #rawFollowed} for {@code raw}, with the file key the one {@code stat} it costs read. */
  static Followed follow(EncryptedPath p, Path raw) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs =
          EncryptedFileSystemProvider.rawProvider(p).readAttributes(raw, BasicFileAttributes.class);
    } catch (IOException e) {
      return new Followed(raw, null); // not there, or not to be looked at: the call itself says so
    }
    if (p.getFileSystem().files().reserved().is(raw, attrs)) {
      // A reserved name in the root, which no call through the file system can create.
      return new Followed(
          p.getFileSystem().root().resolve(EncryptedFileSystem.MARKER + ".absent"), null);
    }
    return new Followed(raw, attrs.fileKey());
  }

  /**
   * The attributes of the underlying file {@code raw}, had for {@code p}, with any failure naming
   * {@code p}; the root marker, if a link there leads to it, is refused as absent.
   */
  static <A extends BasicFileAttributes> A attributes(
      EncryptedPath p, Path raw, Class<A> type, LinkOption... options) throws IOException {
    A attrs;
    try {
      attrs = EncryptedFileSystemProvider.rawProvider(p).readAttributes(raw, type, options);
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, p.toString());
    }
    refuse(p, raw, attrs);
    return attrs;
  }

  /** Refuses {@code p} as absent if {@code attrs}, read at {@code raw}, are the root marker's. */
  static void refuse(EncryptedPath p, Path raw, BasicFileAttributes attrs) throws IOException {
    if (p.getFileSystem().files().reserved().is(raw, attrs)) {
      throw new NoSuchFileException(p.toString());
    }
  }
}
