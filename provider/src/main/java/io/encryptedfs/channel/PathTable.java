package io.encryptedfs.channel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which open file each underlying path names, and which closed files still owe a force. It follows
 * the deletes and moves made through the file system, as a POSIX file system follows an inode: a
 * file deleted while open lives on for its channels, detached from its path, so a file created
 * there later is a new one; a file moved while open is found at its new path and no longer at the
 * old one. Not thread-safe: {@link OpenFiles} guards it with its monitor.
 */
final class PathTable {
  /** One open file and the channels sharing it. */
  static final class Entry {
    final OpenFile file;
    /** The underlying path that names it, or null once that name was deleted or replaced. */
    Path key;
    String displayPath;
    int channels;

    private Entry(OpenFile file, Path key, String displayPath) {
      this.file = file;
      this.key = key;
      this.displayPath = displayPath;
    }
  }

  private final Map<Path, Entry> byPath = new HashMap<>();
  private final Map<OpenFile, Entry> byFile = new IdentityHashMap<>();
  // Closed files written since their last force, which the file system's close forces.
  private final Map<Path, String> unforced = new HashMap<>();

  /** The open file named by {@code key}, or null. */
  Entry get(Path key) {
    return byPath.get(key);
  }

  Entry add(Path key, String displayPath, OpenFile file) {
    Entry entry = new Entry(file, key, displayPath);
    byPath.put(key, entry);
    byFile.put(file, entry);
    return entry;
  }

  /** The entry of {@code file}, or null when the file system's close already took it. */
  Entry of(OpenFile file) {
    return byFile.get(file);
  }

  /**
   * Forgets {@code entry}, whose last channel closed: it owes a force if it was written since its
   * last one; only a force ends the debt, since a session that merely read leaves an earlier
   * session's unforced writes as they were.
   */
  void remove(Entry entry, boolean writtenSinceForce, boolean forcedWhileOpen) {
    byFile.remove(entry.file);
    if (entry.key == null) {
      return; // deleted or replaced: nothing left at a path to force
    }
    byPath.remove(entry.key);
    if (writtenSinceForce) {
      unforced.put(entry.key, entry.displayPath);
    } else if (forcedWhileOpen) {
      unforced.remove(entry.key);
    }
  }

  /** The name {@code key} was deleted: a file open there is detached from it. */
  void deleted(Path key) {
    Entry entry = byPath.remove(key);
    if (entry != null) {
      entry.key = null;
    }
    unforced.remove(key);
  }

  /**
   * {@code from} (a file, or a directory and everything below it) now has the name {@code to};
   * whatever {@code to} named before was replaced.
   */
  void moved(Path from, Path to, String displayFrom, String displayTo) {
    if (from.equals(to)) {
      return;
    }
    deleted(to);
    List<Entry> moving = new ArrayList<>();
    for (Entry entry : byPath.values()) {
      if (entry.key.startsWith(from)) {
        moving.add(entry);
      }
    }
    for (Entry entry : moving) {
      byPath.remove(entry.key);
      entry.key = to.resolve(from.relativize(entry.key));
      entry.displayPath = renamed(entry.displayPath, displayFrom, displayTo);
      byPath.put(entry.key, entry);
    }
    Map<Path, String> owed = new HashMap<>();
    unforced
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getKey().startsWith(from)) {
                return false;
              }
              owed.put(
                  to.resolve(from.relativize(e.getKey())),
                  renamed(e.getValue(), displayFrom, displayTo));
              return true;
            });
    unforced.putAll(owed);
  }

  private static String renamed(String display, String from, String to) {
    return display.startsWith(from) ? to + display.substring(from.length()) : display;
  }

  int size() {
    return byPath.size();
  }

  /** Every open file, attached to a path or not; the table forgets them. */
  List<Entry> takeAll() {
    List<Entry> all = new ArrayList<>(byFile.values());
    byFile.clear();
    byPath.clear();
    return all;
  }

  /** The closed files that owe a force; the table forgets them. */
  Map<Path, String> takeUnforced() {
    Map<Path, String> owed = new HashMap<>(unforced);
    unforced.clear();
    return owed;
  }
}
