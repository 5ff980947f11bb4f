package io.encryptedfs.channel;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The closed files written since their last force, by underlying path (its parent a real path),
 * with the encrypted path to report them by: the file system's close forces them. Follows the
 * deletes and moves made through the file system. Not thread-safe; {@link PathTable} keeps it under
 * {@link FileRegistry}'s monitor.
 *
 * <p>A tree of names, one node per name as the path provider tells names apart, so that a move
 * takes the moved name's subtree: time in the depth of the names plus what it carries. A program
 * that writes many files without forcing them renames each one (write to a temporary name, move
 * into place), and a scan of every record per move made each rename, under the file system's
 * monitor, cost 5 ms once 100,000 files were owed. Nodes left with nothing owed below them are
 * removed, so the tree holds only what is owed and the names above it.
 */
final class OwedForces {
  private static final class Node {
    /** Null until a name below this one is owed. */
    Map<Path, Node> children;

    /** The encrypted path of the owed file at this name, or null if none is owed here. */
    String displayPath;

    boolean empty() {
      return displayPath == null && (children == null || children.isEmpty());
    }
  }

  private final Map<Path, Node> roots = new HashMap<>();

  /** The file at {@code key} was written and closed without a force. */
  void owe(Path key, String displayPath) {
    Node node = roots.computeIfAbsent(key.getRoot(), r -> new Node());
    for (Path name : key) {
      if (node.children == null) {
        node.children = new HashMap<>(4);
      }
      node = node.children.computeIfAbsent(name, n -> new Node());
    }
    node.displayPath = displayPath;
  }

  /** The encrypted path of the file owed at {@code key}, or null if nothing is owed there. */
  String owedAt(Path key) {
    Node[] trail = trail(key);
    return trail == null ? null : trail[trail.length - 1].displayPath;
  }

  /** The file at {@code key} was forced, or its name was deleted: nothing is owed at that name. */
  void settled(Path key) {
    Node[] trail = trail(key);
    if (trail == null) {
      return;
    }
    trail[trail.length - 1].displayPath = null;
    prune(key, trail, trail.length - 1);
  }

  /**
   * {@code from} (a file, or a directory and everything below it) now has the name {@code to},
   * reported as {@code displayTo}; {@code displayBelow} names what lay below it.
   */
  void moved(Path from, Path to, String displayTo, BiFunction<String, Path, String> displayBelow) {
    settled(to);
    Node[] trail = trail(from);
    if (trail == null || from.getNameCount() == 0) {
      return;
    }
    int last = trail.length - 1;
    trail[last - 1].children.remove(from.getName(last - 1));
    prune(from, trail, last - 1);
    Map<Path, String> carried = new LinkedHashMap<>();
    collect(trail[last], from.getFileSystem().getPath(""), carried);
    for (Path below : carried.keySet()) {
      owe(to.resolve(below), displayBelow.apply(displayTo, below));
    }
  }

  /** What is owed; forgets it. */
  Map<Path, String> takeAll() {
    Map<Path, String> all = new LinkedHashMap<>();
    for (Map.Entry<Path, Node> root : roots.entrySet()) {
      collect(root.getValue(), root.getKey(), all);
    }
    roots.clear();
    return all;
  }

  /** The nodes from {@code key}'s root down to {@code key}'s own, or null where the tree ends. */
  private Node[] trail(Path key) {
    int names = key.getNameCount();
    Node[] trail = new Node[names + 1];
    trail[0] = roots.get(key.getRoot());
    for (int i = 0; i < names; i++) {
      Node node = trail[i];
      if (node == null || node.children == null) {
        return null;
      }
      trail[i + 1] = node.children.get(key.getName(i));
    }
    return trail[names] == null ? null : trail;
  }

  /** Removes the nodes of {@code trail}, from {@code from} up, that nothing owed is left below. */
  private void prune(Path key, Node[] trail, int from) {
    for (int i = from; i > 0 && trail[i].empty(); i--) {
      trail[i - 1].children.remove(key.getName(i - 1));
    }
    if (trail[0].empty()) {
      roots.remove(key.getRoot());
    }
  }

  /** What is owed at and below {@code node}, whose name is {@code at}, by name and display path. */
  private static void collect(Node node, Path at, Map<Path, String> into) {
    if (node.displayPath != null) {
      into.put(at, node.displayPath);
    }
    if (node.children != null) {
      for (Map.Entry<Path, Node> child : node.children.entrySet()) {
        collect(child.getValue(), at.resolve(child.getKey()), into);
      }
    }
  }
}
