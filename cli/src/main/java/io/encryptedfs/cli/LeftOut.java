package io.encryptedfs.cli;

import io.encryptedfs.nio.MarkerNames;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What of a plain tree {@code encrypt} must not copy into a root, each with the line that names it.
 * Under a directory where the root holds a root of its own (a nested root, {@code
 * KeyRotation.nestedRoots}), files would be written under this keystore's keys, where that root
 * cannot read them. An entry whose name starts with a root marker's is one the root refuses to
 * create, at every level (in a directory, the marker's own name would make it look like a nested
 * root, where every command stops): left out and named, it does not fail the run as damage. Where
 * the root's directory folds case, the root refuses such a name in any case ({@link MarkerNames}),
 * and so it is left out in any case.
 */
final class LeftOut {
  static final String MARKER = ".encryptedfs";

  /**
   * @param path the entry of the plain tree, as the walk from its top gives it
   * @param line says what it is and why it is not copied
   */
  record Entry(Path path, String line) {}

  private LeftOut() {}

  /**
   * @param plain the plain tree
   * @param root the encrypted root, as the user named it, for the lines
   * @param nestedRoots the roots nested in {@code root}, as {@code KeyRotation.nestedRoots} names
   *     them ({@code /sub})
   * @param names the names the root refuses to create
   */
  static List<Entry> of(Path plain, Path root, List<String> nestedRoots, MarkerNames names)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    Files.walkFileTree(
        plain,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (dir.equals(plain)) {
              return FileVisitResult.CONTINUE;
            }
            String inRoot = inRoot(plain.relativize(dir));
            if (nestedRoots.contains(inRoot)) {
              entries.add(new Entry(dir, nested(inRoot, dir, root)));
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (isReservedName(dir, names)) {
              entries.add(new Entry(dir, markerName(plain.relativize(dir), names)));
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (isReservedName(file, names)) {
              entries.add(new Entry(file, markerName(plain.relativize(file), names)));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // the copy's own walk reports it
          }
        });
    entries.sort(Comparator.comparing(Entry::path));
    return entries;
  }

  /** The paths of {@code entries}, as {@link TreeEntries#of} takes those it leaves out. */
  static List<String> paths(List<Entry> entries) {
    return entries.stream().map(e -> e.path().toString()).toList();
  }

  private static boolean isReservedName(Path path, MarkerNames names) {
    return path.getFileName() != null && names.isReserved(path.getFileName().toString());
  }

  /** {@code relative} as the root's file system names it: {@code /x/y}. */
  private static String inRoot(Path relative) {
    StringBuilder s = new StringBuilder();
    for (Path name : relative) {
      s.append('/').append(name);
    }
    return s.toString();
  }

  private static String nested(String inRoot, Path dir, Path root) {
    return "NESTED "
        + inRoot
        + ": a root of its own, not encrypted into: "
        + dir
        + " is left out (encrypt it into "
        + root.resolve(inRoot.substring(1))
        + " with that root's keystore)";
  }

  private static String markerName(Path relative, MarkerNames names) {
    return "SKIPPED "
        + relative
        + ": a name reserved for root markers (starting with "
        + MARKER
        + (names.folds() ? ", in any case" : "")
        + "), which the root does not create; not copied (rename it to copy it)";
  }
}
