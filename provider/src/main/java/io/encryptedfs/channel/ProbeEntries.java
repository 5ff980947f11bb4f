package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The way into a {@link FileRegistry}'s table for the header operations ({@link HeaderAccess}),
 * which use a file by path without a channel: through the file open here, once it is ready, or else
 * through the existing file opened as a probe, loading in the table, so that no open gets its locks
 * until the caller has closed it again.
 *
 * <p>Takes the registry's monitor, given to it ({@code registry}), as {@link ClosingEntries} does:
 * the table and the names being created are the registry's, guarded by that monitor alone, and the
 * waits here end on the registry's notifications.
 */
final class ProbeEntries {
  private final FileRegistry registry;
  private final PathTable table;
  private final CreatingNames creating;

  /**
   * @param registry whose monitor guards {@code table} and {@code creating}
   */
  ProbeEntries(FileRegistry registry, PathTable table, CreatingNames creating) {
    this.registry = registry;
    this.table = table;
    this.creating = creating;
  }

  /**
   * Reads the front of the file at {@code key} into {@code bytes} through its own underlying
   * channel if it is open here (under the registry's monitor no file opens or closes, so that
   * channel stays open), and returns null; otherwise opens the file in {@code mode} as a probe,
   * loading in the table so that no open gets its locks until the caller has closed it and {@link
   * FileRegistry#discard}ed it.
   */
  PathTable.Entry readOpenOrProbe(Path key, String displayPath, ChannelMode mode, ByteBuffer bytes)
      throws IOException {
    synchronized (registry) {
      registry.refuseOnceClosing();
      PathTable.Entry entry = readyEntry(key, displayPath);
      if (entry != null) {
        entry.raw.readUpTo(bytes, 0);
        return null;
      }
      return probe(key, displayPath, mode);
    }
  }

  /**
   * The open file at {@code key} with one more user, if it is open here (refused with {@code
   * AccessDeniedException} if {@code mode} writes and it is open read-only); otherwise the existing
   * file there, opened in {@code mode} and loading, for the caller to {@link
   * FileRegistry#loadedUnlessClosing load} or {@link FileRegistry#discard}.
   */
  PathTable.Entry useOrOpen(Path key, String displayPath, ChannelMode mode) throws IOException {
    synchronized (registry) {
      registry.refuseOnceClosing();
      PathTable.Entry entry = readyEntry(key, displayPath);
      if (entry != null) {
        if (mode.write() && !entry.raw.writable()) {
          // Refused as a writing channel's open is (FileRegistry#find), and as the probe's open of
          // a file not open here is: the read-only underlying channel would fail it unchecked.
          throw new AccessDeniedException(displayPath, null, "underlying file is read-only");
        }
        entry.channels++;
        return entry;
      }
      return probe(key, displayPath, mode);
    }
  }

  /** {@link FileRegistry#openExisting} for a file that must exist. Under the monitor. */
  private PathTable.Entry probe(Path key, String displayPath, ChannelMode mode) throws IOException {
    PathTable.Entry entry =
        registry.openExisting(key, displayPath, mode, FileIdentity.ofExisting(key, displayPath));
    if (entry == null) {
      throw new NoSuchFileException(displayPath);
    }
    return entry;
  }

  /**
   * The open file at {@code key}, once it is ready (waiting while it loads or closes), or null if
   * none is open there. Under the monitor.
   */
  private PathTable.Entry readyEntry(Path key, String displayPath) throws IOException {
    while (true) {
      Object id = FileIdentity.ofExisting(key, displayPath);
      PathTable.Entry entry = id == null ? null : table.get(id);
      if (!creating.at(key, id) && (entry == null || entry.ready())) {
        return entry;
      }
      FileRegistry.awaitChange(registry);
    }
  }
}
