package io.encryptedfs.faults;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of what the fault file system knows about the tree under its root: the
 * directories and, per regular file, the durable image and the unforced log. Crash images and crash
 * points are computed from it, so a test can stop its workload once and then explore thousands of
 * crashes.
 */
public final class Recording {
  private final SortedSet<String> directories;
  private final SortedMap<String, FileHistory> files;

  Recording(SortedSet<String> directories, SortedMap<String, FileHistory> files) {
    this.directories = Collections.unmodifiableSortedSet(new TreeSet<>(directories));
    this.files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
  }

  public SortedSet<String> directories() {
    return directories;
  }

  /** Histories keyed by relative path ({@code /} separated). */
  public SortedMap<String, FileHistory> files() {
    return files;
  }

  public FileHistory file(String path) {
    FileHistory file = files.get(path);
    if (file == null) {
      throw new IllegalArgumentException("no file " + path + " in " + files.keySet());
    }
    return file;
  }

  /** The state {@code plan} leaves behind. */
  public CrashImage crash(CrashPlan plan) {
    for (String path : plan.cuts().keySet()) {
      file(path);
    }
    SortedMap<String, byte[]> contents = new TreeMap<>();
    for (Map.Entry<String, FileHistory> file : files.entrySet()) {
      FileCut cut = plan.cutFor(file.getKey());
      Replay.apply(file.getValue(), cut).ifPresent(bytes -> contents.put(file.getKey(), bytes));
    }
    return new CrashImage(plan, directories, contents);
  }

  /** Enumerates crash points of this recording with the default options. */
  public CrashPoints crashPoints() {
    return crashPoints(CrashPointOptions.defaults());
  }

  public CrashPoints crashPoints(CrashPointOptions options) {
    return new CrashPoints(this, options);
  }

  @Override
  public String toString() {
    return "Recording" + files.values();
  }
}
