package io.encryptedfs.channel;

import java.util.List;

/**
 * The way out of a {@link FileRegistry}'s table, for {@link FileClosing}: a file's entry turns
 * closing when its last user goes, when a file kept open for its buffered tail may close, or when
 * its kept name is lost; it leaves the table, or is kept, once closed; and the file system's close
 * takes every entry, and what closed files owe.
 *
 * <p>Guarded by the registry's monitor, which it is given ({@code monitor}) and takes in every
 * method, as the registry's own methods do: the {@link PathTable} and {@link CreatingNames} it
 * reads and changes are the registry's, guarded by that monitor alone, so an entry turns closing,
 * or leaves, in one step with the opens that look at it, and the waits here ({@link
 * FileRegistry#awaitChange}) end on the registry's notifications. Closing the files themselves runs
 * outside it, in {@link FileClosing}. {@link OpenChannels} is called under it, as the registry
 * does: its monitor is a leaf.
 */
final class ClosingEntries {
  private final Object monitor;
  private final PathTable table;
  private final CreatingNames creating;
  private final OpenChannels channels;

  /**
   * @param monitor the registry's monitor, which guards {@code table} and {@code creating}
   * @param channels the channels handed out, and whether the file system's close began
   */
  ClosingEntries(Object monitor, PathTable table, CreatingNames creating, OpenChannels channels) {
    this.monitor = monitor;
    this.table = table;
    this.creating = creating;
    this.channels = channels;
  }

  /** Drops one user of {@code file}: its entry, now closing, if that was the last, else null. */
  PathTable.Entry unref(OpenFile file) {
    synchronized (monitor) {
      PathTable.Entry entry = table.of(file);
      if (entry == null || --entry.channels > 0) {
        return null;
      }
      table.closing(entry);
      return entry;
    }
  }

  /**
   * Whether {@code entry}, closing, lost the name it was known by while it had others ({@link
   * PathTable.Entry#otherNames}), so that its close must force it. Read under the monitor: a delete
   * waits for a closing entry at its name ({@link NameRemovals#delete}), so the answer holds.
   */
  boolean forcedAtClose(PathTable.Entry entry) {
    synchronized (monitor) {
      return entry.otherNames;
    }
  }

  /**
   * The entry of {@code file}, kept open without channels, now closing; null if a channel opened it
   * meanwhile, or it is closing already, or the file system's close took it.
   */
  PathTable.Entry closeKept(OpenFile file) {
    synchronized (monitor) {
      PathTable.Entry entry = table.of(file);
      if (entry == null || !entry.ready() || entry.channels > 0) {
        return null;
      }
      table.closing(entry);
      return entry;
    }
  }

  /**
   * {@code file}'s entry, detached and closing as {@link PathTable#deleted} leaves it, if it is
   * {@link PathTable.Entry#keptNameLost}; else nothing. Looked at under the registry's monitor, so
   * that a move through this file system, which changes the name, is not taken for another
   * program's.
   */
  List<PathTable.Entry> keptNameLost(OpenFile file) {
    while (true) {
      synchronized (monitor) {
        PathTable.Entry entry = table.of(file);
        if (entry == null || !entry.kept()) {
          return List.of();
        }
        SessionEnd.State state = file.endStateIfFree();
        if (state != null) {
          if (!entry.nameLostWhileKept(state.tailWaits())) {
            return List.of();
          }
          table.detach(entry); // kept, so now closing
          return List.of(entry);
        }
      }
      file.awaitEndState();
    }
  }

  /**
   * What became of a closing file: it closed and is {@code GONE}, or {@code GONE_UNNAMED} when its
   * name was deleted; or it is {@code KEPT} for its buffered tail; or kept, but the timer {@code
   * WRITTEN} that tail meanwhile, when it could not close the file; or kept, but its name was
   * {@code DELETED}, so that it stays closing.
   */
  enum Closed {
    GONE,
    GONE_UNNAMED,
    KEPT,
    WRITTEN,
    DELETED
  }

  /**
   * {@code file}, whose entry was closing, closed, leaving {@code debt}; or its close kept it open
   * for a buffered tail it could not write, and it is open again without channels, unless it has no
   * name left (a deleted name with {@link PathTable.Entry#otherNames} still counts as one). Says
   * which (a dirty tail tells when the timer writes it; a written one does not).
   */
  Closed closed(PathTable.Entry entry, OpenFile file, ForceLedger.Debt debt) {
    while (true) {
      synchronized (monitor) {
        SessionEnd.State state = file.endStateIfFree();
        if (state != null) {
          return closed(entry, state, debt);
        }
      }
      // The timer may be writing the tail: waited for outside the monitor (SessionEnd#stateIfFree).
      file.awaitEndState();
    }
  }

  /** {@link #closed}, told the file's end {@code state}. Under the monitor. */
  private Closed closed(PathTable.Entry entry, SessionEnd.State state, ForceLedger.Debt debt) {
    Closed outcome;
    boolean unnamed = entry.key == null && !entry.otherNames;
    if (state.kept()) {
      if (unnamed) {
        return Closed.DELETED;
      }
      table.kept(entry);
      outcome = state.tailWaits() ? Closed.KEPT : Closed.WRITTEN;
    } else {
      table.remove(entry, debt);
      outcome = unnamed ? Closed.GONE_UNNAMED : Closed.GONE;
    }
    monitor.notifyAll();
    return outcome;
  }

  /**
   * The file system's close begins: refuses every other open from now on, waits for the files being
   * created, loaded or closed by other threads, and takes every open file.
   */
  List<PathTable.Entry> closeBegins() {
    synchronized (monitor) {
      channels.close();
      while (table.busy() || !creating.isEmpty()) {
        FileRegistry.awaitChange(monitor);
      }
      return table.takeAll();
    }
  }

  /** Takes what closed files leave to the file system's close (see {@link PathTable.Owed}). */
  PathTable.Owed takeOwed() {
    synchronized (monitor) {
      return table.takeOwed();
    }
  }
}
