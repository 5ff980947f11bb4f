package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import javax.crypto.SecretKey;

/**
 * The open path of {@link OpenFiles}: finds the open file at a path, or creates or loads it, and
 * hands out a new channel on it, counted and tracked; and undoes an open that fails on the way.
 */
final class FileAttacher {
  /** How often an open that would create a file may find it created by another program. */
  private static final int CREATE_RACES = 3;

  private final OpenFiles files;
  private final FileLoader loader;
  private final FileOpener opener;
  private final OpenChannels channels;
  private final FileRegistry registry;
  private final FileCreator creator;
  private volatile boolean createSync = true;

  FileAttacher(
      OpenFiles files,
      FileLoader loader,
      FileOpener opener,
      OpenChannels channels,
      FileRegistry registry,
      FileCreator creator) {
    this.files = files;
    this.loader = loader;
    this.opener = opener;
    this.channels = channels;
    this.registry = registry;
    this.creator = creator;
  }

  /** See {@link OpenFiles#setCreateSync}. */
  void setCreateSync(boolean sync) {
    this.createSync = sync;
  }

  /** The new channel, counted on its file and tracked; the file; whether this open created it. */
  record Attached(EncryptedFileChannel channel, OpenFile file, boolean created) {
    /** No file: a directory, for the caller's {@link DirectoryOpener}. */
    static final Attached DIRECTORY = new Attached(null, null, false);
  }

  /**
   * Finds the open file at {@code key} or opens it, and returns a new channel on it, counted and
   * tracked; refused with {@code ClosedFileSystemException} once the file system's close began.
   * Only the table and the underlying open of an existing file are under the registry's monitor: a
   * new file's underlying creation (which may wait for the file system's journal) and its making,
   * and an existing file's load (reading and authenticating its front region, unwrapping its key,
   * waiting for another program that is creating it) run outside it, so that opening or creating
   * one file never waits for another's. Opens of a file being created or loaded wait for it, a
   * creation's force included: everything that can fail an open that created its file is done
   * before the file is ready, so that a failed or refused creation still has it to delete, before
   * any channel or the file system's close can reach it. {@link Attached#DIRECTORY} if {@code
   * directories} and a directory is there (see {@link FileRegistry#find}).
   */
  Attached attach(
      Path key,
      String displayPath,
      ChannelMode mode,
      NewFilePolicySource policy,
      boolean directories,
      boolean forClose,
      FileAttribute<?>[] attrs)
      throws IOException {
    PathTable.Entry entry;
    Path name;
    NewFilePolicy made = null;
    SecretKey master = null;
    int raced = 0;
    while (true) {
      FileRegistry.Found found = registry.find(key, displayPath, mode, forClose, directories);
      if (found.directory()) {
        return Attached.DIRECTORY;
      }
      if (found.open() != null) {
        EncryptedFileChannel channel = new EncryptedFileChannel(found.open(), files, mode);
        if (!channels.track(channel, forClose)) {
          channel.close(); // not held: its close leaves the file to the file system's close
          throw new ClosedFileSystemException();
        }
        return new Attached(channel, found.open(), false);
      }
      entry = found.toLoad();
      name = found.toCreate();
      if (name == null) {
        break;
      }
      // Asked before the underlying file exists: finding the key may read the keystore again
      // (a second of key derivation after another program changed it), and another program
      // opening a file whose header is still missing waits for it only so long.
      try {
        made = policy.newFilePolicy();
        master = loader.wrappingKey(made, displayPath);
      } catch (IOException | RuntimeException | Error e) {
        // An Error too (a key provider's class missing from the class path, say): a name left
        // reserved made every later open of it, and the file system's close, wait for good.
        registry.created(name);
        throw e;
      }
      entry = creator.create(key, displayPath, mode, attrs, name);
      if (entry != null) {
        break;
      }
      if (++raced == CREATE_RACES) {
        // Not a race: the name is taken by something that does not open as a file, such as a
        // symbolic link to nothing, which O_EXCL will not follow.
        throw new FileSystemException(
            displayPath, null, "the name exists but does not open as a file");
      }
      // another program created it meanwhile: open it
    }
    boolean created = name != null;
    OpenFile opened = null;
    EncryptedFileChannel channel;
    try {
      opened =
          created
              ? opener.make(entry.raw, made, master, displayPath)
              : opener.load(entry.raw, displayPath, remakeSource(mode, policy, displayPath));
      if (created && createSync) {
        // The creating open returns once the new file is durable: otherwise a power loss leaves a
        // torn or empty front region, which a reader must report as damage though the caller did
        // nothing wrong; forced, the new file reopens as empty whatever else of it is lost. The
        // fsync runs outside the registry's monitor, so that the opens and closes of other files,
        // and other threads' creations, do not wait for the disk behind it.
        opened.force(false);
      }
      channel = new EncryptedFileChannel(opened, files, mode);
      if (!registry.ready(entry, opened, channel, displayPath, mode.write(), forClose)) {
        throw new ClosedFileSystemException();
      }
    } catch (IOException | RuntimeException e) {
      abandon(entry, opened, created, e);
      opener.reportLoadFailure(e, displayPath);
      throw e;
    } catch (Error e) {
      // As above: the entry must leave the registry, whatever failed.
      abandon(entry, opened, created, e);
      throw e;
    }
    String headerDamage = opened.takeHeaderDamage();
    if (headerDamage != null) {
      opener.reportHeaderDamage(displayPath, headerDamage);
    }
    return new Attached(channel, opened, created);
  }

  /** How a load may make a new file where the open may create one (see {@link FileOpener#load}). */
  private FileOpener.NewFileSource remakeSource(
      ChannelMode mode, NewFilePolicySource policy, String displayPath) {
    if (!mode.write() || !mode.create() || mode.createNew()) {
      return null;
    }
    return () -> {
      NewFilePolicy made = policy.newFilePolicy();
      return new FileOpener.NewFile(made, loader.wrappingKey(made, displayPath), createSync);
    };
  }

  /**
   * Undoes an open that failed with {@code failure} while its file was loading, or was refused by
   * the file system's close (which waits for it): the file made or loaded, if any, is dropped
   * before any channel had it, and one this open created is deleted, as a failed creation leaves no
   * file. Later failures are suppressed in {@code failure}.
   */
  private void abandon(PathTable.Entry entry, OpenFile opened, boolean created, Throwable failure) {
    try {
      if (opened != null) {
        opened.drop();
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
    try {
      if (created) {
        registry.discardCreated(entry);
      } else {
        registry.discard(entry);
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
