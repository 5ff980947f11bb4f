package io.encryptedfs.cli;

import io.encryptedfs.nio.KeyRotation;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A root's own files by the master key each names, as {@code info}, {@code report} and {@code
 * rewrap} count them: those {@code rewrap} rewraps. A root nested in it holds that root's files
 * ({@link KeyRotation#ownUsage}), and the temporary file an interrupted encrypt left ({@link
 * PartNames}) holds no data of the root's: each is named, not counted.
 *
 * @param byAlias alias to the files that name it (a file a rewrap interrupted names two)
 * @param leftovers the temporaries of an interrupted encrypt, sorted
 * @param nestedRoots the roots nested in this one, sorted
 */
record RootFiles(
    Map<String, List<String>> byAlias, SortedSet<String> leftovers, List<String> nestedRoots) {

  static RootFiles of(FileSystem fs) throws IOException {
    KeyRotation.OwnUsage usage = KeyRotation.ownUsage(fs);
    // Named on STAGED lines instead: a copy's temporary file is none of the root's files.
    Set<String> staged = new HashSet<>();
    for (String name : KeyRotation.stagedCopies(fs).keySet()) {
      staged.add("/" + name);
    }
    Map<String, List<String>> byAlias = new TreeMap<>();
    SortedSet<String> leftovers = new TreeSet<>();
    for (Map.Entry<String, List<String>> e : usage.files().entrySet()) {
      for (String file : e.getValue()) {
        if (staged.contains(file)) {
          continue;
        }
        if (PartNames.isPart(fs.getPath(file))) {
          leftovers.add(file);
        } else {
          byAlias.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(file);
        }
      }
    }
    return new RootFiles(byAlias, leftovers, usage.nestedRoots());
  }

  /** The files counted, each once, though it names two keys. */
  long count() {
    return byAlias.values().stream().flatMap(List::stream).distinct().count();
  }

  /**
   * The line naming a root nested in this one, which a command does not enter.
   *
   * @param notDone what the command does to this root's files and not to its ("counted")
   * @param command the command to run on it instead
   */
  static String nested(String dir, String notDone, String command) {
    return "NESTED "
        + dir
        + ": a root of its own, its files not "
        + notDone
        + " (run "
        + command
        + " on it)";
  }
}
