package io.encryptedfs.channel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The closed files written since their last force, by underlying path (its parent a real path),
 * with the encrypted path to report them by: the file system's close forces them. Follows the
 * deletes and moves made through the file system. Not thread-safe; {@link PathTable} keeps it
 * under {@link OpenFiles}'s monitor.
 *
 * <p>Ordered by name, component by component, so that a directory and everything below it are one
 * range: a move finds what it carries in time logarithmic in the number of records plus what it
 * carries. A program that writes many files without forcing them renames each one (write to a
 * temporary name, move into place), and a scan of every record per move made each rename, under
 * the file system's monitor, cost 5 ms once 100,000 files were owed.
 */
final class OwedForces {
  private final NavigableMap<Path, String> owed = new TreeMap<>(OwedForces::byNames);

  /** Component by component, each by the path provider's own order, then the shorter first. */
  static int byNames(Path a, Path b) {
    int n = Math.min(a.getNameCount(), b.getNameCount());
    for (int i = 0; i < n; i++) {
      int c = a.getName(i).compareTo(b.getName(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.getNameCount(), b.getNameCount());
  }

  /** The file at {@code key} was written and closed without a force. */
  void owe(Path key, String displayPath) {
    owed.put(key, displayPath);
  }

  /** The file at {@code key} was forced, or its name was deleted: nothing is owed at that name. */
  void settled(Path key) {
    owed.remove(key);
  }

  /**
   * {@code from} (a file, or a directory and everything below it) now has the name {@code to},
   * reported as {@code displayTo}; {@code displayBelow} names what lay below it.
   */
  void moved(
      Path from, Path to, String displayTo, BiFunction<String, Path, String> displayBelow) {
    owed.remove(to);
    List<Map.Entry<Path, String>> carried = new ArrayList<>();
    Iterator<Map.Entry<Path, String>> it = owed.tailMap(from, true).entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Path, String> e = it.next();
      if (!e.getKey().startsWith(from)) {
        break;
      }
      carried.add(Map.entry(e.getKey(), e.getValue()));
      it.remove();
    }
    for (Map.Entry<Path, String> e : carried) {
      Path below = from.relativize(e.getKey());
      owed.put(to.resolve(below), displayBelow.apply(displayTo, below));
    }
  }

  /** What is owed, in name order; forgets it. */
  Map<Path, String> takeAll() {
    Map<Path, String> all = new LinkedHashMap<>(owed);
    owed.clear();
    return all;
  }
}
