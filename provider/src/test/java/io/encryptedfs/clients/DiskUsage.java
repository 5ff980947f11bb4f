package io.encryptedfs.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A service's disk-usage report and age-based cleanup, written with {@code Files.walk}: sizes by
 * path relative to the data directory, so that two directories compare equal when their trees do.
 */
final class DiskUsage {
  private DiskUsage() {}

  /** Every regular file's size, and every directory as -1, by path relative to {@code root}. */
  static Map<String, Long> report(Path root) throws IOException {
    Map<String, Long> sizes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        String name = relative(root, p);
        sizes.put(name, a.isDirectory() ? -1 : a.size());
      }
    }
    return sizes;
  }

  static long total(Map<String, Long> report) {
    return report.values().stream().filter(s -> s > 0).mapToLong(Long::longValue).sum();
  }

  /** Deletes the regular files below {@code dir} last modified before {@code cutoff}. */
  static List<String> deleteOlderThan(Path dir, FileTime cutoff) throws IOException {
    List<Path> old;
    try (Stream<Path> walk = Files.walk(dir)) {
      old =
          walk.filter(Files::isRegularFile)
              .filter(p -> lastModified(p).compareTo(cutoff) < 0)
              .collect(Collectors.toList());
    }
    List<String> deleted = new ArrayList<>();
    for (Path p : old) {
      Files.delete(p);
      deleted.add(relative(dir, p));
    }
    deleted.sort(null);
    return deleted;
  }

  private static FileTime lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString();
  }
}
