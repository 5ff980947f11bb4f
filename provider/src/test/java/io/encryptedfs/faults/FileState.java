package io.encryptedfs.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The durability record of one file (one inode: it follows renames and outlives deletion while
 * channels are open). Its monitor serialises every modification of the file, across all of its
 * channels, so the log order is the order the underlying file system applied them in.
 */
final class FileState {
  private volatile Path path;
  // Null while untracked: nothing was written through the fault file system yet, so the
  // underlying file is its own durable image. Guarded by this.
  private FileImage durable;
  private final List<LogEntry> unforced = new ArrayList<>();

  /** Entries ever recorded, and those of them made durable (the ones before {@link #unforced}). */
  private long recorded;

  private long durableEntries;
  private boolean vanishable;

  /** False for a file whose history is not kept at all (see {@link #unrecorded}). */
  private final boolean kept;

  private FileState(Path path, FileImage durable, boolean vanishable, boolean kept) {
    this.path = path;
    this.durable = durable;
    this.vanishable = vanishable;
    this.kept = kept;
  }

  private FileState(Path path, FileImage durable, boolean vanishable) {
    this(path, durable, vanishable, true);
  }

  /** A file of a fault file system that only injects faults: modifications are not logged. */
  static FileState unrecorded(Path path) {
    return new FileState(path, null, false, false);
  }

  static FileState untracked(Path path) {
    return new FileState(path, null, false);
  }

  /** A file that the fault file system just created: empty, and not durable as a file yet. */
  static FileState created(Path path) {
    return new FileState(path, new FileImage(new byte[0]), true);
  }

  /** The underlying path of the file, or null once it was deleted or replaced. */
  Path path() {
    return path;
  }

  void movedTo(Path newPath) {
    path = newPath;
  }

  void unlinked() {
    path = null;
  }

  /** Starts tracking: the file's content as read now becomes its durable image. */
  synchronized void ensureTracked(IoSupplier<byte[]> content) throws IOException {
    if (durable == null) {
      durable = new FileImage(content.get());
    }
  }

  /** Runs {@code action} while no other modification of the file can happen. */
  synchronized <T> T locked(IoSupplier<T> action) throws IOException {
    return action.get();
  }

  /** Appends to the unforced log; call from within {@link #locked}, after the change happened. */
  void record(LogEntry entry) {
    if (!Thread.holdsLock(this)) {
      throw new IllegalStateException("record outside of locked()");
    }
    if (!kept) {
      return;
    }
    if (durable == null) {
      throw new IllegalStateException("write to untracked file " + path);
    }
    unforced.add(entry);
    recorded++;
  }

  /** How many entries have been recorded so far: a force that begins now covers those. */
  synchronized long recorded() {
    return recorded;
  }

  /** A force completed; unless it is dropped, the whole unforced log becomes durable. */
  synchronized void forced(boolean dropped) {
    forced(dropped, recorded);
  }

  /**
   * A force that began when {@code covered} entries had been recorded completed: unless it is
   * dropped, those entries become durable. Entries recorded while it ran stay unforced, as {@code
   * fsync} promises nothing for writes that land after it was called.
   */
  synchronized void forced(boolean dropped, long covered) {
    if (dropped || durable == null) {
      return;
    }
    int count = (int) Math.max(0, Math.min(unforced.size(), covered - durableEntries));
    List<LogEntry> now = unforced.subList(0, count);
    for (LogEntry entry : now) {
      if (entry instanceof LogEntry.Write write) {
        write.applyTo(durable, 0, write.length());
      } else {
        ((LogEntry.Truncate) entry).applyTo(durable);
      }
    }
    now.clear();
    durableEntries += count;
    vanishable = false;
  }

  /**
   * Snapshots the history, checking that replaying it gives the underlying file's content: if not,
   * something modified the file around the fault file system and crash images would lie.
   */
  synchronized FileHistory history(String relativePath, IoSupplier<byte[]> underlying)
      throws IOException {
    if (durable == null) {
      return new FileHistory(relativePath, underlying.get(), List.of(), false);
    }
    FileHistory history =
        new FileHistory(relativePath, durable.toByteArray(), unforced, vanishable);
    byte[] actual = underlying.get();
    byte[] modelled = history.current();
    if (!Arrays.equals(actual, modelled)) {
      throw new IllegalStateException(
          "faultfs model of "
              + relativePath
              + " ("
              + modelled.length
              + " B) differs from the underlying file ("
              + actual.length
              + " B) at byte "
              + Arrays.mismatch(actual, modelled)
              + "; was it modified around the fault file system?");
    }
    return history;
  }
}
