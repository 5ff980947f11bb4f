package io.encryptedfs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Roots given on a command line, each directory once however it was spelled. */
final class RootArguments {
  private RootArguments() {}

  /**
   * The roots, each directory once (by its real path where it exists: {@code r}, {@code ./r},
   * {@code r/} and a link to it are one), in the order first given: a second file system on one
   * directory is refused, and a report would count its files twice.
   */
  static List<Path> distinct(List<Path> roots) {
    Map<Path, Path> byDirectory = new LinkedHashMap<>();
    for (Path root : roots) {
      Path dir = root.toAbsolutePath().normalize();
      try {
        dir = dir.toRealPath();
      } catch (IOException e) {
        // Not there: its open names it.
      }
      byDirectory.putIfAbsent(dir, root);
    }
    return List.copyOf(byDirectory.values());
  }
}
