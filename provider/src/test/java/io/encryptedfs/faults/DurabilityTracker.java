package io.encryptedfs.faults;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Maps underlying paths to {@link FileState}s and keeps the map right across creation, deletion and
 * renames. Its monitor serialises those namespace operations; it is always taken before a file's
 * monitor, never after.
 */
final class DurabilityTracker {
  private final Map<Path, FileState> states = new HashMap<>();

  /** Whether files' histories are kept; if not, every file is {@link FileState#unrecorded}. */
  private final boolean recorded;

  DurabilityTracker(boolean recorded) {
    this.recorded = recorded;
  }

  /** A channel opened on the underlying file system and the state of its file. */
  record Opened(FileChannel channel, FileState state) {}

  synchronized Opened open(
      Path file, Set<? extends OpenOption> options, IoSupplier<FileChannel> opener)
      throws IOException {
    Path key = key(file);
    if (!recorded) {
      FileState state = states.computeIfAbsent(key, FileState::unrecorded);
      return new Opened(opener.get(), state);
    }
    boolean writable =
        options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
    boolean existed = Files.exists(file);
    FileState state = existed ? states.get(key) : null;
    if (existed && state == null) {
      state = FileState.untracked(key);
    }
    FileChannel channel;
    if (writable && existed && Files.isRegularFile(file)) {
      FileState tracked = state;
      tracked.ensureTracked(() -> Files.readAllBytes(file));
      // The open itself may truncate (TRUNCATE_EXISTING); observe rather than predict it,
      // because providers disagree (Jimfs even honours it together with APPEND).
      channel =
          tracked.locked(
              () -> {
                long before = Files.size(file);
                FileChannel opened = opener.get();
                long after = sizeOrClose(opened);
                if (after < before) {
                  tracked.record(new LogEntry.Truncate(after));
                }
                return opened;
              });
    } else {
      channel = opener.get();
    }
    if (!existed) {
      state = FileState.created(key);
    }
    states.put(key, state);
    return new Opened(channel, state);
  }

  synchronized void delete(Path file, IoSupplier<?> deleter) throws IOException {
    deleter.get();
    unlinked(states.remove(key(file)));
  }

  /**
   * A hard link {@code name} to {@code file}: both names share one state, so a write through either
   * and a force through either apply to both. A recording lists each name as a file of its own with
   * that one history, so only crash plans that treat them alike (a power loss after the last write
   * was forced, or {@link CrashPlan#powerLoss()} on histories whose unforced entries the test
   * expects lost under every name) describe a real disk.
   */
  synchronized void link(Path name, Path file, IoSupplier<?> linker) throws IOException {
    linker.get();
    Path key = key(file);
    FileState state = states.get(key);
    if (state == null) {
      state = FileState.untracked(key);
      states.put(key, state);
    }
    states.put(key(name), state);
  }

  /** {@code gone} lost a name: once it has none left, it is no longer at any path. */
  private void unlinked(FileState gone) {
    if (gone == null) {
      return;
    }
    for (Map.Entry<Path, FileState> other : states.entrySet()) {
      if (other.getValue() == gone) {
        gone.movedTo(other.getKey()); // faults aimed at a path still reach it by this name
        return;
      }
    }
    gone.unlinked();
  }

  synchronized void move(Path source, Path target, IoSupplier<?> mover) throws IOException {
    mover.get();
    Path from = key(source);
    Path to = key(target);
    if (from.equals(to)) {
      return;
    }
    FileState replaced = states.remove(to);
    if (replaced != states.get(from)) {
      unlinked(replaced);
    }
    // A directory rename moves every file below it.
    List<Path> moved = new ArrayList<>();
    for (Path key : states.keySet()) {
      if (key.startsWith(from)) {
        moved.add(key);
      }
    }
    for (Path key : moved) {
      FileState state = states.remove(key);
      Path newKey = to.resolve(from.relativize(key));
      state.movedTo(newKey);
      states.put(newKey, state);
    }
  }

  /** Snapshots every directory and regular file below {@code root}. */
  synchronized Recording record(Path root) throws IOException {
    if (!recorded) {
      throw new IllegalStateException("this fault file system was opened to keep no history");
    }
    Path rootKey = key(root);
    SortedSet<String> directories = new TreeSet<>();
    SortedMap<String, FileHistory> files = new TreeMap<>();
    Files.walkFileTree(
        rootKey,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (!dir.equals(rootKey)) {
              directories.add(relativeName(rootKey, dir));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isRegularFile()) {
              throw new UnsupportedOperationException("faultfs models regular files only: " + file);
            }
            String name = relativeName(rootKey, file);
            FileState state = states.get(file);
            files.put(
                name,
                state == null
                    ? new FileHistory(name, Files.readAllBytes(file), List.of(), false)
                    : state.history(name, () -> Files.readAllBytes(file)));
            return FileVisitResult.CONTINUE;
          }
        });
    return new Recording(directories, files);
  }

  static Path key(Path path) {
    return path.toAbsolutePath().normalize();
  }

  private static String relativeName(Path root, Path path) {
    StringBuilder name = new StringBuilder();
    for (Path part : root.relativize(path)) {
      if (name.length() > 0) {
        name.append('/');
      }
      name.append(part);
    }
    return name.toString();
  }

  private static long sizeOrClose(FileChannel channel) throws IOException {
    try {
      return channel.size();
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }
}
