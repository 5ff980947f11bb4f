package io.encryptedfs.faults;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The state a crash left behind: the directory tree under the root and each file's content. */
public final class CrashImage {
  private final CrashPlan plan;
  private final SortedSet<String> directories;
  private final SortedMap<String, byte[]> files;

  CrashImage(CrashPlan plan, SortedSet<String> directories, Map<String, byte[]> files) {
    this.plan = plan;
    this.directories = Collections.unmodifiableSortedSet(new TreeSet<>(directories));
    this.files = new TreeMap<>(files);
  }

  /** The plan that produced this image; print it when a check fails. */
  public CrashPlan plan() {
    return plan;
  }

  /** Directories below the root, relative and {@code /} separated, parents first. */
  public SortedSet<String> directories() {
    return directories;
  }

  /** Relative paths of the regular files that exist after the crash. */
  public SortedSet<String> paths() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(files.keySet()));
  }

  /** Copies of the contents of the files that exist after the crash, by relative path. */
  public SortedMap<String, byte[]> files() {
    SortedMap<String, byte[]> copy = new TreeMap<>();
    files.forEach((path, content) -> copy.put(path, content.clone()));
    return copy;
  }

  /** A copy of the content of {@code path}, or empty if it does not exist after the crash. */
  public Optional<byte[]> file(String path) {
    return Optional.ofNullable(files.get(path)).map(byte[]::clone);
  }

  /**
   * Writes the image into {@code directory}, which must be empty or absent, and returns it. Use a
   * directory on any file system, e.g. a fresh Jimfs, and reopen it with the code under test.
   */
  public Path writeTo(Path directory) throws IOException {
    Files.createDirectories(directory);
    try (Stream<Path> entries = Files.list(directory)) {
      if (entries.findAny().isPresent()) {
        throw new DirectoryNotEmptyException(directory.toString());
      }
    }
    for (String dir : directories) {
      Files.createDirectories(resolve(directory, dir));
    }
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Files.write(
          resolve(directory, file.getKey()), file.getValue(), StandardOpenOption.CREATE_NEW);
    }
    return directory;
  }

  private static Path resolve(Path directory, String relative) {
    Path path = directory;
    for (String name : relative.split("/")) {
      path = path.resolve(name);
    }
    return path;
  }

  @Override
  public String toString() {
    return "CrashImage" + plan;
  }
}
