package io.encryptedfs.faults;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A file system for tests that delegates to an underlying one (Jimfs, the default file system, ...)
 * and records what a power loss could take away, so that a test can crash it at any moment and
 * reopen the result with other code.
 *
 * <h2>Model</h2>
 *
 * <ul>
 *   <li>Each regular file has a <em>durable image</em>: its content as of the last completed {@code
 *       FileChannel.force} on any channel of the file, or, for a file that existed before, its
 *       content when the fault file system first opened it for writing.
 *   <li>Every modification since is appended to the file's <em>unforced log</em>, in the order the
 *       underlying file system performed it: one {@link LogEntry.Write} per write call (relative,
 *       positional, appending or gathering; {@code transferFrom} and {@code copy} write in 64 KiB
 *       chunks) and one {@link LogEntry.Truncate} per shrinking truncate, including the truncation
 *       done by opening with {@code TRUNCATE_EXISTING}.
 *   <li>{@code force(true)} and {@code force(false)} are the same: both make the whole log durable.
 *       On a channel opened with {@code SYNC} or {@code DSYNC} every modification is durable when
 *       its call returns. {@link #dropForces} makes chosen forces (and synchronous modifications)
 *       return without making anything durable.
 *   <li>A crash ({@link CrashPlan}) keeps, per file and independently of other files, the durable
 *       image plus a prefix of the log, optionally tearing the next write at a byte or a sector
 *       boundary. A process crash keeps everything. {@link FileCut#subset} goes further and drops
 *       arbitrary entries, as out-of-order page write-back can.
 * </ul>
 *
 * <h2>Simplifications</h2>
 *
 * <ul>
 *   <li>Metadata is durable at once: creating, deleting and renaming files and directories, and
 *       attribute changes, survive every crash, and need no directory force. Real file systems need
 *       an fsync of the parent directory. The one exception, opt-in: a file created here and not
 *       forced since may vanish ({@link FileCut#vanish()}).
 *   <li>Truncates are atomic; a size change never survives without its data or vice versa.
 *   <li>Links are not supported, and a file reached through two different paths (links, case
 *       insensitivity) would get two inconsistent records.
 *   <li>Writes through a writable mapping cannot be seen, so {@code map} is read-only.
 *   <li>Durable images are byte arrays: files are limited to 2 GiB, and memory use is about twice
 *       the data written.
 *   <li>Modifying files under the root around this file system makes {@link #recording()} fail.
 * </ul>
 *
 * <p>Paths are the underlying paths with this file system attached ({@code toString} is the same;
 * {@code toUri} is {@code faultfs:} followed by the underlying URI). Crash images cover the tree
 * under {@link #root()}. Thread safe: modifications of one file are serialised.
 */
public final class FaultInjectingFileSystem extends FileSystem {
  private final FileSystem underlying;
  private final Path underlyingRoot;
  private final FaultFileSystemProvider provider = new FaultFileSystemProvider(this);
  private final DurabilityTracker tracker;
  private final SpaceBudget budget = new SpaceBudget();
  private final FaultSwitches switches = new FaultSwitches(this::faultPath);
  private final AtomicLong lookups = new AtomicLong();
  private volatile boolean open = true;

  private FaultInjectingFileSystem(Path underlyingRoot, boolean recorded) {
    this.underlying = underlyingRoot.getFileSystem();
    this.underlyingRoot = DurabilityTracker.key(underlyingRoot);
    this.tracker = new DurabilityTracker(recorded);
  }

  /** Wraps the file system of {@code underlyingRoot}; crash images cover that directory. */
  public static FaultInjectingFileSystem wrap(Path underlyingRoot) throws IOException {
    return wrap(underlyingRoot, true);
  }

  /**
   * Wraps the file system of {@code underlyingRoot} to inject faults only: it keeps no history, so
   * {@link #recording()} fails, and files too large for a durable image in memory (a sparse file of
   * terabytes on a disk) can be written.
   */
  public static FaultInjectingFileSystem wrapUnrecorded(Path underlyingRoot) throws IOException {
    return wrap(underlyingRoot, false);
  }

  private static FaultInjectingFileSystem wrap(Path underlyingRoot, boolean recorded)
      throws IOException {
    if (!Files.isDirectory(underlyingRoot)) {
      throw new NotDirectoryException(underlyingRoot.toString());
    }
    return new FaultInjectingFileSystem(underlyingRoot, recorded);
  }

  /** The root directory, as a path of this file system. */
  public Path root() {
    return faultPath(underlyingRoot);
  }

  /** Snapshots what a crash could leave of the tree under the root right now. */
  public Recording recording() throws IOException {
    return tracker.record(underlyingRoot);
  }

  /** Shorthand for {@code recording().crash(plan)}. */
  public CrashImage crash(CrashPlan plan) throws IOException {
    return recording().crash(plan);
  }

  /**
   * From now on, forces of files whose current path matches {@code files} return normally but make
   * nothing durable; the predicate must not use this file system. {@code path -> false} restores
   * honest forces.
   */
  public void dropForces(Predicate<Path> files) {
    switches.dropForces(files);
  }

  /**
   * From now on, forces of files whose current path matches {@code files} fail with an {@code
   * IOException}, as {@code fsync} does on an I/O error, and make nothing durable; the predicate
   * must not use this file system (it may wait for the test). {@code path -> false} restores honest
   * forces.
   */
  public void failForces(Predicate<Path> files) {
    switches.failForces(files);
  }

  /**
   * From now on, forces of files whose current path matches {@code files} are cut short as when
   * another thread's interrupt closes the channel during the force: the channel closes, the force
   * throws {@code AsynchronousCloseException} and makes nothing durable. The predicate must not use
   * this file system. {@code path -> false} restores honest forces.
   */
  public void cutForces(Predicate<Path> files) {
    switches.cutForces(files);
  }

  /**
   * From now on, truncates of files whose current path matches {@code files} fail with an {@code
   * IOException}, as {@code ftruncate} does on an I/O error, and change nothing; the predicate must
   * not use this file system. {@code path -> false} restores honest truncates.
   */
  public void failTruncates(Predicate<Path> files) {
    switches.failTruncates(files);
  }

  /**
   * From now on, writes to files whose current path matches {@code files} fail with an {@code
   * IOException}, as {@code pwrite} does on an I/O error, and write nothing; the predicate is asked
   * on the writing thread and must not use this file system. {@code path -> false} restores honest
   * writes.
   */
  public void failWrites(Predicate<Path> files) {
    switches.failWrites(files);
  }

  /**
   * From now on, deletes of entries (files, directories) whose path matches {@code paths} fail with
   * a {@code FileSystemException} naming the path, as {@code unlink} and {@code rmdir} do on an I/O
   * error, and delete nothing; the predicate must not use this file system. {@code path -> false}
   * restores honest deletes.
   */
  public void failDeletes(Predicate<Path> paths) {
    switches.failDeletes(paths);
  }

  /**
   * From now on, an open for writing of an existing file whose path matches {@code files} fails
   * with {@code AccessDeniedException}, as for a program that may not write the file (made
   * read-only, and the tests run as root, whom permissions do not stop); the predicate must not use
   * this file system. {@code path -> false} lets them open again.
   */
  public void denyWrites(Predicate<Path> files) {
    switches.denyWrites(files);
  }

  /**
   * From now on, every positional read of a file first calls {@code hook} with the file's current
   * path (a test can hold a read there to see what waits for it); the hook must not use this file
   * system. {@code path -> {}} restores plain reads.
   */
  public void beforeReads(Consumer<Path> hook) {
    switches.beforeReads(hook);
  }

  /**
   * From now on, every {@code size} asked of a file's channel calls {@code hook} with the file's
   * current path first; the hook must not use this file system. {@code path -> {}} restores plain
   * size calls.
   */
  public void beforeSizes(Consumer<Path> hook) {
    switches.beforeSizes(hook);
  }

  /**
   * From now on, every read of a path's attributes (a stat, an lstat) calls {@code hook} with the
   * path first; the hook must not use this file system. {@code path -> {}} restores plain reads.
   */
  public void beforeAttributes(Consumer<Path> hook) {
    switches.beforeAttributes(hook);
  }

  /**
   * From now on, every lock taken on a file (by {@code lock} or a successful {@code tryLock}) calls
   * {@code hook} with the file's current path once the lock is held, before it is returned; the
   * hook must not use this file system. {@code path -> {}} restores plain locks.
   */
  public void afterLocks(Consumer<Path> hook) {
    switches.afterLocks(hook);
  }

  /**
   * From now on, every {@code tryLock} that finds the range held (by another program, when it
   * returns null, or by this one, when it throws {@code OverlappingFileLockException}) calls {@code
   * hook} with the file's current path before it returns or throws: a test can let the lock go
   * there, at a point it controls, to see that the caller looks again. The hook must not use this
   * file system. {@code path -> {}} restores plain locks.
   */
  public void afterRefusedLocks(Consumer<Path> hook) {
    switches.afterRefusedLocks(hook);
  }

  /**
   * From now on, every release of a lock calls {@code hook} with the lock's channel first: a test
   * can close the channel there, as an interrupt of another thread would between a look at the lock
   * and its release. {@code channel -> {}} restores plain releases.
   */
  public void beforeLockReleases(Consumer<FileChannel> hook) {
    switches.beforeLockReleases(hook);
  }

  /**
   * From now on, releases of locks on files whose current path matches {@code files} fail with an
   * {@code IOException}, as an unlock can on a network file system, and leave the range locked
   * until the channel closes; the predicate must not use this file system. {@code path -> false}
   * restores plain releases.
   */
  public void failLockReleases(Predicate<Path> files) {
    switches.failLockReleases(files);
  }

  /**
   * From now on, each {@code tryLock} on a file whose current path matches {@code files} (the
   * predicate is asked once per call) finds the range held, as if another program held it for that
   * instant: it returns null, after the {@link #afterRefusedLocks} hook. The predicate must not use
   * this file system. {@code path -> false} restores plain locks.
   */
  public void refuseLocks(Predicate<Path> files) {
    switches.refuseLocks(files);
  }

  /**
   * From now on, file attributes read through this file system have no file key, as on file systems
   * that have none (Windows' default, many custom ones).
   */
  public void hideFileKeys() {
    switches.hideFileKeys();
  }

  /**
   * Looks at files' metadata made through this provider so far: an attribute read or an access
   * check counts one, a same-file check of two different paths two, as the JDK's reads both.
   */
  public long lookups() {
    return lookups.get();
  }

  void lookedUp(int files) {
    lookups.addAndGet(files);
  }

  /**
   * From now on, {@code bytes} more bytes may be written, in total over all files (overwrites
   * count, truncation and deletion free nothing); a write that does not fit fails per {@code mode}
   * with {@code IOException("No space left on device")}.
   */
  public void failWritesAfter(long bytes, DiskFullMode mode) {
    budget.limit(bytes, mode);
  }

  public void unlimitedSpace() {
    budget.unlimited();
  }

  /** Bytes written through this file system so far, e.g. to sweep {@link #failWritesAfter}. */
  public long bytesWritten() {
    return budget.written();
  }

  /** Writes that found too little space, since this file system was made. */
  public long writesRefused() {
    return budget.refused();
  }

  FileSystem underlying() {
    return underlying;
  }

  DurabilityTracker tracker() {
    return tracker;
  }

  SpaceBudget budget() {
    return budget;
  }

  FaultSwitches switches() {
    return switches;
  }

  FaultPath faultPath(Path underlyingPath) {
    return underlyingPath == null ? null : new FaultPath(this, underlyingPath);
  }

  Path unwrap(Path path) {
    if (!open) {
      throw new ClosedFileSystemException();
    }
    if (path instanceof FaultPath p && p.getFileSystem() == this) {
      return p.delegate();
    }
    throw FaultFileSystemProvider.mismatch(path);
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  /** Marks this file system closed; the underlying one stays open, it belongs to the test. */
  @Override
  public void close() {
    open = false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isReadOnly() {
    return underlying.isReadOnly();
  }

  @Override
  public String getSeparator() {
    return underlying.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    underlying.getRootDirectories().forEach(root -> roots.add(faultPath(root)));
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return underlying.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return underlying.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return faultPath(underlying.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher matcher = underlying.getPathMatcher(syntaxAndPattern);
    return path -> matcher.matches(unwrap(path));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return underlying.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("faultfs has no watch service");
  }
}
