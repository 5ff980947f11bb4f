package io.encryptedfs.channel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Deletes and moves through the file system, for {@link FileRegistry}: each runs its underlying
 * operation under the registry's monitor and has the {@link PathTable} follow it. A name that goes
 * may be the one the file system knows a file by while the file keeps others (hard links): such a
 * file must still be forced by the file system's close, which would know no name to force it by.
 * Also the force a file owes, paid before its modification time is set ({@link #settle}).
 *
 * <p>Takes the registry's monitor, given to it ({@code monitor}), as {@link ClosingEntries} does:
 * the table and the names being created are the registry's, guarded by that monitor alone.
 */
final class NameRemovals {
  private static final System.Logger LOG = System.getLogger(NameRemovals.class.getName());

  private final Object monitor;
  private final PathTable table;
  private final CreatingNames creating;

  NameRemovals(Object monitor, PathTable table, CreatingNames creating) {
    this.monitor = monitor;
    this.table = table;
    this.creating = creating;
  }

  /**
   * See {@link OpenFiles#delete}; returns what {@link PathTable#deleted} does. A closed file that
   * owes the file system's close a force at this name, and has other names (hard links), is forced
   * through {@code forcing} first, outside the monitor: nothing could force it once this name, the
   * only one the file system knows it by, is gone. A force that fails fails the delete.
   */
  List<PathTable.Entry> delete(
      Path rawPath, OpenFiles.RawOperation delete, FileClosing.ForcingOpen forcing)
      throws IOException {
    Path key = FileIdentity.realParent(rawPath);
    long forcedAt = -1;
    while (true) {
      Look look;
      synchronized (monitor) {
        awaitNoneCreatedOrClosingAt(key);
        look = look(key, forcedAt);
        if (look.forceFirst() == null) {
          delete.run();
          return table.deleted(key, look.otherNames());
        }
        forcedAt = table.owesRecorded();
      }
      forceAt(key, look.forceFirst(), forcing);
    }
  }

  /**
   * See {@link OpenFiles#move}; returns what {@link PathTable#moved} does. A file that {@code
   * rawTo} names and replaces is treated as {@link #delete} treats the name it deletes.
   */
  List<PathTable.Entry> move(
      Path rawFrom,
      Path rawTo,
      String displayTo,
      OpenFiles.RawOperation move,
      FileClosing.ForcingOpen forcing)
      throws IOException {
    Path from = FileIdentity.realParent(rawFrom);
    Path to = FileIdentity.realParent(rawTo);
    long forcedAt = -1;
    while (true) {
      Look look;
      synchronized (monitor) {
        // as for a delete, at both names
        while (creating.atOrBelow(from) || creating.atOrBelow(to) || table.closingAt(to)) {
          FileRegistry.awaitChange(monitor);
        }
        look = from.equals(to) ? Look.NOTHING : look(to, forcedAt);
        if (look.forceFirst() == null) {
          move.run();
          return table.moved(from, to, displayTo, look.otherNames());
        }
        forcedAt = table.owesRecorded();
      }
      forceAt(to, look.forceFirst(), forcing);
    }
  }

  /**
   * See {@link OpenFiles#settle}. As {@link #delete} forces a file first, but whatever its other
   * names, and without a name going afterwards. A file open here is forced too if it owes a force
   * (its session wrote since its last force, or an earlier one left a force owed at this name),
   * once, through a channel that attaches to it: a move in from another file system deletes its
   * source right after, so the copy's close, which another channel may hold off, is too late. That
   * force covers what was written before this call; later writes are their writers' to force.
   */
  void settle(Path rawPath, FileClosing.ForcingOpen forcing) throws IOException {
    Path key = FileIdentity.realParent(rawPath);
    long forcedAt = -1;
    boolean forcedOpen = false;
    while (true) {
      String owed;
      synchronized (monitor) {
        while (creating.contains(key) || table.busyAt(key)) {
          FileRegistry.awaitChange(monitor);
        }
        if (forcedAt == table.owesRecorded()) {
          table.settled(key);
        }
        PathTable.Entry open = table.readyAt(key);
        owed = table.owedAt(key);
        if (open != null) {
          boolean owes = !forcedOpen && (owed != null || open.file.owesForce());
          owed = owes ? open.displayPath : null;
          forcedOpen = true;
        }
        if (owed == null) {
          return;
        }
        forcedAt = table.owesRecorded();
      }
      forceAt(key, owed, forcing);
    }
  }

  /**
   * A file being created must still be at its name when registered; one closing must have said what
   * it owes at this name. Under the monitor.
   */
  private void awaitNoneCreatedOrClosingAt(Path key) {
    while (creating.contains(key) || table.closingAt(key)) {
      FileRegistry.awaitChange(monitor);
    }
  }

  /**
   * What a name about to go means for the file there: whether it has other names, and the encrypted
   * path to force it by first, or null if it need not be: it has none, it owes no force at this
   * name, or it is open here, so that its own close forces it ({@link PathTable.Entry#otherNames}),
   * what this name owed included, as it is the same file.
   */
  private record Look(boolean otherNames, String forceFirst) {
    static final Look NOTHING = new Look(false, null);
  }

  /**
   * {@link Look} at {@code key}: the link count is read only for a file open or owed here. {@code
   * forcedAt} is what {@link PathTable#owesRecorded} said when this caller last began to force the
   * file, or -1: if no close has owed a force since, the force paid what this name owed, though its
   * channel may not have been the file's last (the file is open by another name), whose close would
   * have said so.
   */
  private Look look(Path key, long forcedAt) {
    if (forcedAt == table.owesRecorded()) {
      table.settled(key);
    }
    boolean open = table.openAt(key);
    String owed = table.owedAt(key);
    if ((!open && owed == null) || !FileIdentity.hasOtherNames(key)) {
      return Look.NOTHING;
    }
    return new Look(true, open ? null : owed);
  }

  /**
   * Forces the file at {@code key}, which owes a force, through a channel that {@code forcing}
   * opens: a closed file is opened, an open one gets one more channel, so that its force is its
   * channels' own, and records the forced sequence in the header as theirs do. Outside the monitor,
   * as the open goes through it and the {@code fsync} must not hold up other files. A name gone
   * meanwhile is left to the caller's next look.
   */
  private void forceAt(Path key, String displayPath, FileClosing.ForcingOpen forcing)
      throws IOException {
    // A name another program removed meanwhile owes nothing: the next look finds no other names.
    IOException forcedOnly =
        OwedForce.force(key, displayPath, forcing, () -> fsyncFailed(displayPath));
    if (forcedOnly != null) {
      // Its bytes are durable, all that the name's going needs; the file does not open as things
      // stand (its key is gone, say), which a plain file system's delete or move would not heed.
      LOG.log(System.Logger.Level.WARNING, forcedOnly.getMessage());
    }
  }

  /**
   * The {@code fsync} of a file forced through its underlying file alone failed: the caller is
   * refused, and may try again, on a new descriptor whose {@code fsync} can succeed over what this
   * one lost (Linux reports a writeback error once), so the file system's close reports it.
   */
  private void fsyncFailed(String displayPath) {
    synchronized (monitor) {
      table.forceFailed(displayPath);
    }
  }
}
