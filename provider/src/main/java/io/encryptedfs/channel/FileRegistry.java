package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * What {@link OpenFiles} knows of its files, under this object's monitor: the {@link PathTable}
 * (with what closed files leave to the file system's close) and the {@link CreatingNames names
 * being created}. Every method takes the monitor, and does under it only what must not interleave
 * with another file's open or close: the table's changes, and the underlying open of an existing
 * file (so that no open reaches a file without finding it in the table). Loading, making and
 * closing a file run outside it, with the file's entry loading or closing, so that opens of that
 * file wait ({@link #awaitChange}) while opens of others go on; so does reading an open file's
 * size, which may load it again.
 *
 * <p>This class brings files into the table and finds them there, and follows deletes and moves;
 * the way out (an entry turning closing, leaving once closed, and the file system's close taking
 * them all) is {@link ClosingEntries}', and the way in for header operations, which use a file
 * without a channel, is {@link ProbeEntries}'; both take this same monitor, given to them
 * explicitly: the table and the names being created are guarded by this one monitor alone,
 * whichever class holds it.
 *
 * <p>The channels handed out, and whether the file system's close began, are {@link OpenChannels}',
 * whose monitor is a leaf: this one calls it to refuse opens once the close began, and to take in a
 * channel in one step with making its file ready, so that the close, which waits for files that are
 * loading, finds each either ready with its channel or gone.
 */
final class FileRegistry {
  private final PathTable table = new PathTable();
  private final CreatingNames creating = new CreatingNames();
  private final ReservedFile reserved = new ReservedFile();
  private final SizeCache sizes;
  private final OpenChannels channels;
  private final ClosingEntries closingEntries;
  private final NameRemovals removals;
  private final ProbeEntries probes;

  /**
   * @param sizes told when a channel that writes attaches to a file
   * @param channels the channels handed out, and whether the file system's close began
   */
  FileRegistry(SizeCache sizes, OpenChannels channels) {
    this.sizes = sizes;
    this.channels = channels;
    this.closingEntries = new ClosingEntries(this, table, creating, channels);
    this.removals = new NameRemovals(this, table, creating);
    this.probes = new ProbeEntries(this, table, creating);
  }

  /** The way out of the table, under this monitor (see {@link ClosingEntries}). */
  ClosingEntries closingEntries() {
    return closingEntries;
  }

  /** Deletes and moves, which the table follows (see {@link NameRemovals}). */
  NameRemovals removals() {
    return removals;
  }

  /** The way in for header operations, which use files without a channel ({@link ProbeEntries}). */
  ProbeEntries probes() {
    return probes;
  }

  /** The file no open may reach, by any name (see {@link ReservedFile}). */
  ReservedFile reserved() {
    return reserved;
  }

  /**
   * What {@link #find} found: an open file (counted), a file to load, a name to create, or a
   * directory.
   */
  record Found(OpenFile open, PathTable.Entry toLoad, Path toCreate, boolean directory) {
    static final Found DIRECTORY = new Found(null, null, null, true);

    Found(OpenFile open, PathTable.Entry toLoad, Path toCreate) {
      this(open, toLoad, toCreate, false);
    }
  }

  /**
   * Finds the open file at {@code key} and counts one more channel on it; or opens the existing
   * underlying file there and adds it as loading; or, if there is none and {@code mode} creates,
   * reserves its name in {@link CreatingNames} until {@link #created} or {@link #createdAt}.
   *
   * @param forClose for the file system's close, which opens files after it refused every other
   *     open
   * @param directories whether a directory there is {@link Found#DIRECTORY} (for an open that does
   *     not write), instead of being opened as a file
   */
  synchronized Found find(
      Path key, String displayPath, ChannelMode mode, boolean forClose, boolean directories)
      throws IOException {
    while (true) {
      if (!forClose) {
        refuseOnceClosing(); // past the file system's check, but not in the table before the close
      }
      // CREATE_NEW needs no lookup: the underlying file system refuses an existing file.
      BasicFileAttributes attrs =
          mode.createNew() ? null : FileIdentity.attributes(key, displayPath);
      if (attrs != null && attrs.isDirectory() && directories && !mode.write()) {
        return Found.DIRECTORY;
      }
      Object id = attrs == null ? null : FileIdentity.of(key, attrs);
      reserved.refuseOpen(id, mode, displayPath);
      if (creating.at(key, id)) {
        awaitChange(this);
        continue;
      }
      PathTable.Entry entry = id == null ? null : table.get(id);
      if (entry != null) {
        if (!entry.ready()) {
          awaitChange(this);
          continue;
        }
        if (mode.write() && !entry.file.raw().writable()) {
          throw new AccessDeniedException(displayPath, null, "underlying file is read-only");
        }
        countChannel(entry, mode.write());
        return new Found(entry.file, null, null);
      }
      if (!mode.createNew()) {
        entry = openExisting(key, displayPath, mode, id);
        if (entry != null) {
          return new Found(null, entry, null);
        }
        if (!mode.create()) {
          throw new NoSuchFileException(displayPath);
        }
      }
      Path name = FileIdentity.realParent(key);
      creating.add(name);
      return new Found(null, null, name);
    }
  }

  private void countChannel(PathTable.Entry entry, boolean write) {
    entry.channels++;
    if (write) {
      sizes.invalidate(entry.id);
    }
  }

  /**
   * Waits on {@code monitor}, the registry's, which the caller holds, until a file leaves the table
   * or becomes ready, or a while passed ({@link MonitorWaits}): the caller looks again. A thread
   * interrupted meanwhile goes on waiting, as opening a file is not interruptible, and keeps its
   * interrupt.
   */
  static void awaitChange(Object monitor) {
    boolean interrupted = false;
    while (true) {
      try {
        // One wait per call, of the caller's loop: what it waits for (a file's open or close) is
        // short next to another program's lock, so each stays a first one.
        MonitorWaits.waitOn(monitor, MonitorWaits.FIRST_MILLIS);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Opens the underlying channel of the existing file at {@code rawPath} and adds it to the table
   * as loading; null if there is no file. Under this monitor: the file's identity must be the one
   * its channel has, and no other open may reach the file without finding it in the table.
   *
   * @param id the identity of the file found at {@code rawPath} just before (see {@link
   *     FileIdentity}), or null if there was none
   */
  PathTable.Entry openExisting(Path rawPath, String displayPath, ChannelMode mode, Object id)
      throws IOException {
    RawFile raw = RawFileOpener.openExisting(rawPath, displayPath, mode, id);
    if (raw == null) {
      return null;
    }
    // Opens are serialized here, so the file opened is the one identified (or, if another
    // program created it just now, the one found now): an interrupt during the load can reopen it.
    Object found = id != null ? id : FileIdentity.ofExisting(rawPath, displayPath);
    return loading(raw, rawPath, null, displayPath, found);
  }

  /**
   * The underlying file {@code raw} was created by exactly the name {@code name} that {@link #find}
   * reserved: adds it to the table as loading, and ends the reservation.
   */
  synchronized PathTable.Entry createdAt(RawFile raw, Path rawPath, Path name, String displayPath)
      throws IOException {
    // Created by exactly this name (O_EXCL follows no link there), with its parent's real path
    // resolved just before, and no delete or move under it since: its real path is name.
    PathTable.Entry entry =
        loading(raw, rawPath, name, displayPath, FileIdentity.ofExisting(rawPath, displayPath));
    creating.remove(name);
    notifyAll();
    return entry;
  }

  /**
   * Waits until every creation under way now has its underlying file in the table (where a look at
   * it waits for its header) or has ended; creations begun meanwhile are not waited for.
   */
  synchronized void awaitCreations() {
    Set<Path> now = creating.now();
    while (creating.containsAny(now)) {
      awaitChange(this);
    }
  }

  /** The creation of {@code name} ended, one way or another. */
  synchronized void created(Path name) {
    creating.remove(name);
    notifyAll();
  }

  /**
   * Adds the file just opened as {@code raw}, whose identity is {@code id}, to the table as
   * loading; closes {@code raw} if it cannot.
   *
   * @param realPath the real path of {@code rawPath} when the caller knows it, else null
   */
  private PathTable.Entry loading(
      RawFile raw, Path rawPath, Path realPath, String displayPath, Object id) throws IOException {
    try {
      if (id == null) {
        throw new NoSuchFileException(displayPath, null, "deleted while being opened");
      }
      raw.locate(rawPath, id, displayPath);
      Path real = realPath != null ? realPath : rawPath.toRealPath();
      return table.loading(id, real, displayPath, raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Throws {@code ClosedFileSystemException} once the file system's close began. */
  void refuseOnceClosing() {
    if (channels.closed()) {
      throw new ClosedFileSystemException();
    }
  }

  /**
   * {@code entry} loaded as {@code file} for a user that is not a channel (a rewrap) is {@link
   * #loaded}; unless the file system's close began: then it stays loading and this returns false,
   * for the caller to undo, as {@link #ready} does for an open.
   */
  synchronized boolean loadedUnlessClosing(
      PathTable.Entry entry, OpenFile file, String displayPath) {
    if (channels.closed()) {
      return false;
    }
    loaded(entry, file, displayPath, false);
    return true;
  }

  /**
   * {@code entry} loaded as {@code file} (made with the name {@code displayPath}): it is open, with
   * one channel, which writes if {@code write}.
   */
  private synchronized void loaded(
      PathTable.Entry entry, OpenFile file, String displayPath, boolean write) {
    table.loaded(entry, file, displayPath);
    countChannel(entry, write);
    notifyAll();
  }

  /**
   * {@code entry}, which this thread loaded or made as {@code file}, is {@link #loaded} with {@code
   * channel}, tracked; unless the file system's close began and the open is not its own ({@code
   * forClose}): then it stays loading and this returns false, for the caller to undo the open.
   * Under one monitor with that check, so that the close, which waits for the file, either finds it
   * open with its channel, or finds it gone.
   */
  synchronized boolean ready(
      PathTable.Entry entry,
      OpenFile file,
      EncryptedFileChannel channel,
      String displayPath,
      boolean write,
      boolean forClose) {
    if (!channels.track(channel, forClose)) {
      return false;
    }
    loaded(entry, file, displayPath, write);
    return true;
  }

  /** Removes {@code entry}, which failed to load (its raw channel closed), from the table. */
  synchronized void discard(PathTable.Entry entry) {
    table.discard(entry);
    notifyAll();
  }

  /**
   * {@link #discard}s {@code entry}, a file whose creating open failed or was refused, and deletes
   * its underlying file, as a creation that failed leaves no file: by the name it has now, which
   * under this monitor is the entry's key, whatever was moved or deleted meanwhile.
   */
  synchronized void discardCreated(PathTable.Entry entry) throws IOException {
    discard(entry);
    if (entry.key != null) {
      Files.deleteIfExists(entry.key);
    }
  }

  /**
   * The size of the file with identity {@code id} if it is open here (once ready), else -1: also
   * when it closes before its size is read, as its closed view no longer has one and the caller
   * then reads it from the disk.
   */
  long openSize(Object id) throws IOException {
    OpenFile file = readyFile(id);
    if (file == null) {
      return -1;
    }
    // Outside this monitor: a reader's size looks at the underlying file, and may load it again,
    // while other files open and close.
    try {
      return file.size();
    } catch (ClosedChannelException e) {
      if (file.closed()) {
        return -1;
      }
      throw e;
    }
  }

  private synchronized OpenFile readyFile(Object id) {
    PathTable.Entry entry = table.get(id);
    while (entry != null && !entry.ready()) {
      awaitChange(this);
      entry = table.get(id);
    }
    return entry != null ? entry.file : null;
  }

  /** Number of files whose underlying channel is open. */
  synchronized int size() {
    return table.size();
  }
}
