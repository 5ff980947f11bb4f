package io.encryptedfs.channel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The open files, found by the identity of their underlying file (its file key, the real path where
 * the file system has none), so that every name of one file (a symbolic link, the name it was moved
 * to) reaches the same open file, and a file created where an open one was deleted is a new one. It
 * also keeps the path of each open file and what closed files leave to the file system's close (a
 * force they owe, or one of theirs that failed), and follows the deletes and moves made through the
 * file system, as a POSIX file system follows an inode. Not thread-safe: {@link FileRegistry}
 * guards it with its monitor.
 *
 * <p>A file is in the table from the moment its underlying channel is open until that channel is
 * closed, also while it is being loaded or closed outside the monitor: this program must never open
 * a second underlying channel on a file it has open, since closing either would release the locks
 * it holds through the other (POSIX locks belong to the process).
 */
final class PathTable {
  /** Where an entry's file is in its life. */
  enum State {
    /** Its underlying channel is open; its header and tail are being read, or made. */
    LOADING,
    /**
     * Usable: channels attach to it. With none, it is a file whose close kept it open for a
     * buffered tail it could not write (see {@link #kept}).
     */
    OPEN,
    /** Its last channel closed; it is being closed. */
    CLOSING
  }

  /** One open file and the channels sharing it. */
  static final class Entry {
    final RawFile raw;

    /** Null while {@link State#LOADING}. */
    OpenFile file;

    State state;

    /** Its file key, or its real path (then it follows moves). */
    Object id;

    /** The underlying path that names it, or null once that name was deleted or replaced. */
    Path key;

    String displayPath;
    int channels;

    /**
     * Whether a name of it was deleted or replaced while it had others (a hard link): {@link #key}
     * is then null, yet the file can still be read by those names, so its last close forces it, the
     * file system's close being a durability point for it, and a failed close is reported.
     */
    boolean otherNames;

    private Entry(
        RawFile raw, OpenFile file, State state, Object id, Path key, String displayPath) {
      this.raw = raw;
      this.file = file;
      this.state = state;
      this.id = id;
      this.key = key;
      this.displayPath = displayPath;
    }

    /** Whether channels can attach to it now; otherwise it is loading or closing. */
    boolean ready() {
      return state == State.OPEN;
    }

    /**
     * Whether its close kept it open, without channels, for a buffered tail (see {@link #kept}).
     */
    boolean kept() {
      return ready() && channels == 0;
    }

    /**
     * Whether it is {@link #kept} for a tail that still waits, and its name no longer holds it:
     * another program deleted or replaced it, so that nothing can open it again. Under the
     * registry's monitor, or once the file system's close took it.
     */
    boolean keptNameLost() {
      return kept() && nameLostWhileKept(file.tailWaits());
    }

    /** {@link #keptNameLost} of an entry that is {@link #kept}, told whether its tail waits. */
    boolean nameLostWhileKept(boolean tailWaits) {
      return tailWaits && !otherNames && !FileIdentity.holds(key, id);
    }
  }

  private final Map<Object, Entry> byId = new HashMap<>();
  private final Map<OpenFile, Entry> byFile = new IdentityHashMap<>();
  // Every entry, loading, open or closing: what deletes and moves must follow.
  private final Set<Entry> all = Collections.newSetFromMap(new IdentityHashMap<>());
  // Closed files written since their last force, which the file system's close forces.
  private final OwedForces unforced = new OwedForces();
  // Closed files a force of which failed while open, which the file system's close reports.
  private final List<String> failedForces = new ArrayList<>();
  // How many closes have left a force owed so far: a caller that forced a file tells by it
  // whether a close owed one again meanwhile.
  private long owesRecorded;

  /** The open file with identity {@code id} (see {@link FileIdentity}), or null. */
  Entry get(Object id) {
    return byId.get(id);
  }

  /** Adds {@code file}, loaded already, as open. */
  Entry add(Object id, Path key, String displayPath, OpenFile file) {
    Entry entry = new Entry(file.raw(), file, State.OPEN, id, key, displayPath);
    byId.put(id, entry);
    byFile.put(file, entry);
    all.add(entry);
    file.raw().locate(key, id);
    return entry;
  }

  /** Adds the file whose underlying channel is {@code raw}, to be loaded outside the monitor. */
  Entry loading(Object id, Path key, String displayPath, RawFile raw) {
    Entry entry = new Entry(raw, null, State.LOADING, id, key, displayPath);
    byId.put(id, entry);
    all.add(entry);
    raw.locate(key, id);
    return entry;
  }

  /**
   * {@code entry} finished loading as {@code file}, which was made with the name {@code loadedAs}:
   * it is open, under the name it has now (it may have moved meanwhile).
   */
  void loaded(Entry entry, OpenFile file, String loadedAs) {
    entry.file = file;
    entry.state = State.OPEN;
    byFile.put(file, entry);
    if (!entry.displayPath.equals(loadedAs)) {
      file.renamed(entry.displayPath);
    }
  }

  /** Forgets {@code entry}, which failed to load; its underlying channel is closed already. */
  void discard(Entry entry) {
    all.remove(entry);
    if (byId.get(entry.id) == entry) {
      byId.remove(entry.id);
    }
  }

  /** {@code entry}'s last channel closed: it is being closed outside the monitor. */
  void closing(Entry entry) {
    entry.state = State.CLOSING;
  }

  /**
   * {@code entry}'s close kept its file open for a buffered tail it could not write: open again,
   * without channels, so that the next open of the file takes it up.
   */
  void kept(Entry entry) {
    entry.state = State.OPEN;
  }

  /** Whether an entry is loading or closing. */
  boolean busy() {
    for (Entry entry : all) {
      if (!entry.ready()) {
        return true;
      }
    }
    return false;
  }

  /** The entry of {@code file}, or null when the file system's close already took it. */
  Entry of(OpenFile file) {
    return byFile.get(file);
  }

  /**
   * Forgets {@code entry}, whose last channel closed, and records what it leaves owed: only a force
   * ends a debt, since a session that merely read leaves an earlier session's unforced writes as
   * they were.
   */
  void remove(Entry entry, ForceLedger.Debt debt) {
    byFile.remove(entry.file);
    all.remove(entry);
    if (byId.get(entry.id) == entry) {
      byId.remove(entry.id);
    }
    if (entry.key == null && !entry.otherNames) {
      return; // deleted or replaced: nothing left at a path to force, nor to lose
    }
    if (entry.raw.forceFailed()) {
      failedForces.add(entry.displayPath);
    }
    if (entry.key == null) {
      return; // its other names are not known here; its close forced it (FileClosing)
    }
    switch (debt) {
      case OWED -> {
        unforced.owe(entry.key, entry.displayPath);
        owesRecorded++;
      }
      case PAID -> unforced.settled(entry.key);
      case UNCHANGED -> {}
    }
  }

  /**
   * {@code entry}'s name no longer holds it: a file {@link #kept} for its tail is then closing, and
   * this says so, for the caller to let it go ({@link FileClosing#drop}).
   */
  boolean detach(Entry entry) {
    entry.key = null;
    entry.raw.locate(null, entry.id);
    if (!entry.kept()) {
      return false;
    }
    closing(entry);
    return true;
  }

  /** Whether a file that is open here, loading or closing has the name {@code key}. */
  boolean openAt(Path key) {
    for (Entry entry : all) {
      if (key.equals(entry.key)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a file that is loading or closing has the name {@code key}. */
  boolean busyAt(Path key) {
    for (Entry entry : all) {
      if (!entry.ready() && key.equals(entry.key)) {
        return true;
      }
    }
    return false;
  }

  /** The open file at the name {@code key} that channels can attach to, or null. */
  Entry readyAt(Path key) {
    for (Entry entry : all) {
      if (entry.ready() && key.equals(entry.key)) {
        return entry;
      }
    }
    return null;
  }

  /** Whether a file that is closing has the name {@code key}. */
  boolean closingAt(Path key) {
    for (Entry entry : all) {
      if (entry.state == State.CLOSING && key.equals(entry.key)) {
        return true;
      }
    }
    return false;
  }

  /** The encrypted path of the closed file that owes a force at {@code key}, or null. */
  String owedAt(Path key) {
    return unforced.owedAt(key);
  }

  /** How many closes have left a force owed, ever: unchanged means no new debt anywhere. */
  long owesRecorded() {
    return owesRecorded;
  }

  /** The file at {@code key} was forced by a channel that was not its last: nothing is owed. */
  void settled(Path key) {
    unforced.settled(key);
  }

  /**
   * The name {@code key} (its parent a real path) was deleted: a file open there is detached from
   * it. A file with a file key needs nothing more, as a new file there gets another key; one known
   * by its real path leaves the table, so that a new file there is not taken for it. Returns the
   * files {@link #kept} for their tails that it detached, now closing: as nothing can open them
   * again, the caller lets them go ({@link FileClosing#drop}). If the file had {@code otherNames}
   * (hard links), an open one stays as it is, reachable by its identity through them, and is marked
   * {@link Entry#otherNames}; the caller forced a closed one that owed a force here before the name
   * went, as nothing would force it later.
   */
  List<Entry> deleted(Path key, boolean otherNames) {
    List<Entry> keptDetached = new ArrayList<>();
    for (Entry entry : all) {
      if (!key.equals(entry.key)) {
        continue;
      }
      if (otherNames) {
        entry.key = null;
        entry.otherNames = true;
        entry.raw.locate(null, entry.id);
      } else if (detach(entry)) {
        keptDetached.add(entry);
      }
    }
    Entry byPath = byId.get(key);
    if (byPath != null) {
      byId.remove(key);
      byPath.id = new Object(); // unreachable by any path from now on
      byId.put(byPath.id, byPath);
    }
    unforced.settled(key);
    return keptDetached;
  }

  /**
   * {@code from} (a file, or a directory and everything below it) now has the name {@code to};
   * whatever {@code to} named before was replaced: returns what {@link #deleted} does for it,
   * {@code toHadOtherNames} saying whether that file had names besides {@code to}.
   */
  List<Entry> moved(Path from, Path to, String displayTo, boolean toHadOtherNames) {
    if (from.equals(to)) {
      return List.of();
    }
    List<Entry> replaced = deleted(to, toHadOtherNames);
    for (Entry entry : all) {
      if (entry.key == null || !entry.key.startsWith(from)) {
        continue;
      }
      Path below = from.relativize(entry.key);
      Path moved = to.resolve(below);
      if (entry.id.equals(entry.key)) {
        byId.remove(entry.id);
        entry.id = moved;
        byId.put(moved, entry);
      }
      entry.key = moved;
      entry.displayPath = displayBelow(displayTo, below);
      if (entry.file != null) {
        entry.file.renamed(entry.displayPath); // a loading one is renamed once loaded
      }
      entry.raw.locate(moved, entry.id);
    }
    unforced.moved(from, to, displayTo, PathTable::displayBelow);
    return replaced;
  }

  /** The encrypted path {@code below} (a relative underlying path) names under {@code dir}. */
  private static String displayBelow(String dir, Path below) {
    StringBuilder display = new StringBuilder(dir);
    for (Path name : below) {
      String part = name.toString();
      if (part.isEmpty()) {
        continue; // the moved file itself
      }
      if (display.charAt(display.length() - 1) != '/') {
        display.append('/');
      }
      display.append(part);
    }
    return display.toString();
  }

  /** Files whose underlying channel is open: loading, open or closing. */
  int size() {
    return all.size();
  }

  /**
   * Every open file, attached to a path or not; the table forgets them. None may be loading or
   * closing ({@link #busy}).
   */
  List<Entry> takeAll() {
    List<Entry> taken = new ArrayList<>(byFile.values());
    byFile.clear();
    byId.clear();
    all.clear();
    return taken;
  }

  /** What closed files leave to the file system's close: unforced files, and failed forces. */
  record Owed(Map<Path, String> unforced, List<String> failedForces) {}

  /** A force of the closed file {@code displayPath} failed: the file system's close says so. */
  void forceFailed(String displayPath) {
    failedForces.add(displayPath);
  }

  /** Takes what closed files owe (see {@link Owed}); the table forgets it. */
  Owed takeOwed() {
    Owed owed = new Owed(unforced.takeAll(), new ArrayList<>(failedForces));
    failedForces.clear();
    return owed;
  }
}
