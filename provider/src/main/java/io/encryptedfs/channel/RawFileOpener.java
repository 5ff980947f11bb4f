package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens the underlying file of an existing encrypted file as a {@link RawFile}: which descriptor it
 * gets (one that another encrypted file system of this program parked on the file, or a new one),
 * read-write or read-only, and how an open that fails is reported. Apart from {@link RawFile},
 * which serves every read, write and force of the file once open, as this runs once per open.
 */
final class RawFileOpener {
  private RawFileOpener() {}

  /**
   * The raw file opened read-write if possible, else read-only for readers; null if absent. A
   * descriptor that another encrypted file system of this program parked on the file is taken
   * rather than a new one opened (see {@link SameFileDescriptors}).
   *
   * @param id the identity of the file found at {@code rawPath} just before, or null
   */
  static RawFile openExisting(Path rawPath, String displayPath, ChannelMode mode, Object id)
      throws IOException {
    RawFile parked = parked(rawPath, id, true);
    if (parked != null) {
      return parked;
    }
    try {
      return new RawFile(ReopeningChannel.open(rawPath, true), rawPath, true);
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
    parked = parked(rawPath, id, false);
    if (parked != null) {
      return parked;
    }
    try {
      return new RawFile(ReopeningChannel.open(rawPath, false), rawPath, false);
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      throw PathErrors.translate(e, displayPath);
    }
  }

  private static RawFile parked(Path rawPath, Object id, boolean writable) {
    if (id == null) {
      return null;
    }
    FileChannel c = SameFileDescriptors.takeParked(rawPath.getFileSystem(), id, writable);
    return c == null ? null : new RawFile(c, rawPath, writable);
  }
}
