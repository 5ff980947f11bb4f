package io.encryptedfs.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories a migration put entries into, forced once it is done. Each file's bytes are
 * forced before its rename, but the rename, and each directory or link made, is an entry of its
 * directory, which a power loss can take until the directory is forced: an operator who deletes the
 * source once the run reports success (on another disk, whose delete nothing orders after the
 * copy's entries) would lose both. One {@code fsync} per directory changed, none for a rerun that
 * finds everything done.
 */
final class DirectoryForces {
  /** Forces one directory, so that its entries survive a power loss. */
  interface Force {
    void force(Path dir) throws IOException;
  }

  /** A directory whose force failed, and why. */
  record Failure(Path dir, IOException cause) {}

  private final Force force;
  private final Set<Path> changed = new LinkedHashSet<>();

  DirectoryForces(Force force) {
    this.force = force;
  }

  /** Forces {@code dir} through a channel on it, as {@code fsync} on a directory does. */
  static void sync(Path dir) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms (Windows) cannot open a directory: no directory force to be had there.
      return;
    }
    try (channel) {
      channel.force(true);
    }
  }

  /** {@code entry} was made in its directory (a file renamed there, a directory, a link). */
  void made(Path entry) {
    Path dir = entry.getParent();
    if (dir != null) {
      changed.add(dir);
    }
  }

  /** {@code dir} gained an entry (one this class was not told of: a root's new marker). */
  void changed(Path dir) {
    changed.add(dir);
  }

  /** {@link Files#createDirectories}, noting each directory it makes. */
  void createDirectories(Path dir) throws IOException {
    List<Path> missing = missing(dir);
    Files.createDirectories(dir);
    missing.forEach(this::made);
  }

  /**
   * The directories that making {@code dir} with its parents would make, outermost first: once they
   * are made, tell each to {@link #made}.
   */
  static List<Path> missing(Path dir) {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
      missing.push(p);
    }
    return List.copyOf(missing);
  }

  /**
   * Forces every directory changed, deepest first, each once, and forgets them; goes on past a
   * failure and returns every one.
   */
  List<Failure> forceAll() {
    List<Path> dirs = new ArrayList<>(changed);
    changed.clear();
    dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    List<Failure> failures = new ArrayList<>();
    for (Path dir : dirs) {
      try {
        force.force(dir);
      } catch (IOException e) {
        failures.add(new Failure(dir, e));
      }
    }
    return failures;
  }
}
