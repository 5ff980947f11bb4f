package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.EnumSet;

/**
 * Creates the underlying file of a new encrypted file, at a name that {@link FileRegistry#find}
 * reserved, and registers it as loading: claimed for writing before its header exists, and deleted
 * again if it cannot be registered. Takes the registry's monitor only to register the file.
 */
final class FileCreator {
  private final FileRegistry registry;

  FileCreator(FileRegistry registry) {
    this.registry = registry;
  }

  /**
   * Creates the underlying file at {@code rawPath}, outside the registry's monitor, and adds it to
   * the table as loading; null if another program created a file there first and {@code mode} may
   * open it. {@code name} ({@code rawPath} with a real parent) is in {@link CreatingNames} until
   * then: opens of that name wait, and so do deletes and moves that would touch it, so the file
   * created is still the one at {@code rawPath} when its identity is read.
   */
  PathTable.Entry create(
      Path rawPath, String displayPath, ChannelMode mode, FileAttribute<?>[] attrs, Path name)
      throws IOException {
    RawFile raw;
    try {
      raw =
          new RawFile(
              rawPath
                  .getFileSystem()
                  .provider()
                  .newFileChannel(
                      rawPath,
                      EnumSet.of(
                          StandardOpenOption.READ,
                          StandardOpenOption.WRITE,
                          StandardOpenOption.CREATE_NEW),
                      attrs),
              rawPath,
              true);
    } catch (FileAlreadyExistsException e) {
      registry.created(name);
      if (mode.createNew()) {
        throw new FileAlreadyExistsException(displayPath);
      }
      return null;
    } catch (FileSystemException e) {
      registry.created(name);
      throw PathErrors.translate(e, displayPath);
    } catch (IOException | RuntimeException | Error e) {
      // An Error too (a FileAttribute's, say): a name left reserved made every later open of it,
      // and the file system's close, wait for good.
      registry.created(name);
      throw e;
    }
    try {
      // Claimed before its header exists, so that another program opening it meanwhile waits for
      // its header (see load); and no other writer can have a view of it to check against (an
      // empty raw file does not open), so its first write finds the claim held.
      // A probe of another program's open holds the lock for an instant: looked at again.
      if (WriterClaim.claimLookingAgain(raw) != RawFile.Claim.BUSY && raw.size() == 0) {
        return registry.createdAt(raw, rawPath, name, displayPath);
      }
    } catch (IOException | RuntimeException | Error e) {
      try {
        raw.close();
        Files.deleteIfExists(rawPath);
      } catch (IOException | RuntimeException failure) {
        e.addSuppressed(failure);
      } finally {
        registry.created(name);
      }
      throw e;
    }
    // Another program took the file between its creation here and the claim (this thread was
    // descheduled, or its program paused, longer than FileOpener waits for a creator): it found an
    // empty file that no one held, as a crash in a creation leaves, and made it a file of its own,
    // which it holds or has written. Made here, the header would go over that program's: this
    // creation lost the race as if the other program had created the file first.
    try {
      raw.close();
    } finally {
      registry.created(name);
    }
    if (mode.createNew()) {
      throw new FileAlreadyExistsException(displayPath);
    }
    return null;
  }
}
