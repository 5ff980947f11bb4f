package io.encryptedfs.faults;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The faults and hooks a test has switched on in one {@link FaultInjectingFileSystem} (whose public
 * methods say what each does), all off at first. The channels and the provider ask here with the
 * underlying path of a file; the test's predicates and hooks see it as a path of the fault file
 * system. A file that lost its path (deleted or replaced while open) matches nothing and calls no
 * hook: no test could name it.
 */
final class FaultSwitches {
  private final Function<Path, Path> faultPath;
  private volatile Predicate<Path> droppedForces = path -> false;
  private volatile Predicate<Path> failedForces = path -> false;
  private volatile Predicate<Path> cutForces = path -> false;
  private volatile Predicate<Path> failedTruncates = path -> false;
  private volatile Predicate<Path> failedWrites = path -> false;
  private volatile Predicate<Path> failedDeletes = path -> false;
  private volatile Predicate<Path> deniedWrites = path -> false;
  private volatile Consumer<Path> beforeRead = path -> {};
  private volatile Consumer<Path> beforeSize = path -> {};
  private volatile Consumer<Path> beforeAttributes = path -> {};
  private volatile Consumer<Path> afterLock = path -> {};
  private volatile Consumer<Path> afterRefusedLock = path -> {};
  private volatile Consumer<FileChannel> beforeLockRelease = channel -> {};
  private volatile Predicate<Path> failedLockReleases = path -> false;
  private volatile Predicate<Path> refusedLocks = path -> false;
  private volatile boolean hideFileKeys;

  /** {@code faultPath} maps an underlying path to the fault file system's. */
  FaultSwitches(Function<Path, Path> faultPath) {
    this.faultPath = faultPath;
  }

  void dropForces(Predicate<Path> files) {
    droppedForces = files;
  }

  void failForces(Predicate<Path> files) {
    failedForces = files;
  }

  void cutForces(Predicate<Path> files) {
    cutForces = files;
  }

  void failTruncates(Predicate<Path> files) {
    failedTruncates = files;
  }

  void failWrites(Predicate<Path> files) {
    failedWrites = files;
  }

  void failDeletes(Predicate<Path> paths) {
    failedDeletes = paths;
  }

  void denyWrites(Predicate<Path> files) {
    deniedWrites = files;
  }

  void beforeReads(Consumer<Path> hook) {
    beforeRead = hook;
  }

  void beforeSizes(Consumer<Path> hook) {
    beforeSize = hook;
  }

  void beforeAttributes(Consumer<Path> hook) {
    beforeAttributes = hook;
  }

  void afterLocks(Consumer<Path> hook) {
    afterLock = hook;
  }

  void afterRefusedLocks(Consumer<Path> hook) {
    afterRefusedLock = hook;
  }

  void beforeLockReleases(Consumer<FileChannel> hook) {
    beforeLockRelease = hook;
  }

  void failLockReleases(Predicate<Path> files) {
    failedLockReleases = files;
  }

  void refuseLocks(Predicate<Path> files) {
    refusedLocks = files;
  }

  void hideFileKeys() {
    hideFileKeys = true;
  }

  boolean dropsForcesOf(Path underlyingPath) {
    return matches(droppedForces, underlyingPath);
  }

  boolean failsForcesOf(Path underlyingPath) {
    return matches(failedForces, underlyingPath);
  }

  boolean cutsForcesOf(Path underlyingPath) {
    return matches(cutForces, underlyingPath);
  }

  boolean failsTruncatesOf(Path underlyingPath) {
    return matches(failedTruncates, underlyingPath);
  }

  boolean failsWritesOf(Path underlyingPath) {
    return matches(failedWrites, underlyingPath);
  }

  boolean failsDeletesOf(Path underlyingPath) {
    return matches(failedDeletes, underlyingPath);
  }

  boolean failsLockReleasesOf(Path underlyingPath) {
    return matches(failedLockReleases, underlyingPath);
  }

  boolean refusesLocksOf(Path underlyingPath) {
    return matches(refusedLocks, underlyingPath);
  }

  boolean deniesWritesOf(Path underlyingPath) {
    return matches(deniedWrites, underlyingPath);
  }

  void beforeRead(Path underlyingPath) {
    call(beforeRead, underlyingPath);
  }

  void beforeSize(Path underlyingPath) {
    call(beforeSize, underlyingPath);
  }

  void afterLock(Path underlyingPath) {
    call(afterLock, underlyingPath);
  }

  void afterRefusedLock(Path underlyingPath) {
    call(afterRefusedLock, underlyingPath);
  }

  /** Takes the path as the test gave it, already one of the fault file system. */
  void beforeAttributes(Path path) {
    beforeAttributes.accept(path);
  }

  void beforeLockRelease(FileChannel channel) {
    beforeLockRelease.accept(channel);
  }

  boolean hidesFileKeys() {
    return hideFileKeys;
  }

  private boolean matches(Predicate<Path> files, Path underlyingPath) {
    return underlyingPath != null && files.test(faultPath.apply(underlyingPath));
  }

  private void call(Consumer<Path> hook, Path underlyingPath) {
    if (underlyingPath != null) {
      hook.accept(faultPath.apply(underlyingPath));
    }
  }
}
