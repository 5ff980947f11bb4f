package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one underlying file no call through the file system may reach, whatever name leads to it: the
 * root's marker. Its names are refused by name above this layer; a symbolic link whose target is
 * the marker is caught here, by the file's identity ({@link FileIdentity}), which an open already
 * has in hand, so an ordinary open pays nothing for the check.
 */
public final class ReservedFile {
  private volatile Object identity;

  /** Reserves the existing file at {@code rawPath}, named {@code displayPath} in errors. */
  public void reserve(Path rawPath, String displayPath) throws IOException {
    identity = FileIdentity.ofExisting(rawPath, displayPath);
  }

  /** Whether the file at {@code rawPath}, whose attributes are {@code attrs}, is the one. */
  public boolean is(Path rawPath, BasicFileAttributes attrs) throws IOException {
    Object reserved = identity;
    // Only a regular file can be it; asking first spares a real path where there are no file keys.
    return reserved != null
        && attrs.isRegularFile()
        && reserved.equals(FileIdentity.of(rawPath, attrs));
  }

  /**
   * Refuses an open of the file whose identity is {@code id} if it is the reserved one, as an open
   * through a link to nothing fails: a plain open finds no file, a creating one a name taken by
   * something that does not open as a file.
   */
  void refuseOpen(Object id, ChannelMode mode, String displayPath) throws IOException {
    if (id == null || !id.equals(identity)) {
      return;
    }
    if (mode.create()) {
      throw new FileSystemException(
          displayPath, null, "the name exists but does not open as a file");
    }
    throw new NoSuchFileException(displayPath);
  }
}
