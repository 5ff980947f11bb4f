package io.encryptedfs.channel;

import io.encryptedfs.crypto.Aead;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The one shared state of an open encrypted file. Every channel on the file in one file system goes
 * through the same {@code OpenFile}, so a write through one is visible to a read through another at
 * once. It owns the file's keys, its lock, and two records of the front region that several parts
 * change: {@link TailSlots} (which slot holds which record, which is durable) and {@link
 * FileHeaders} (the newest header and the forced sequence it names). Writers and a reload change
 * them under the write lock, a force under the read lock while no other force runs. Each part below
 * owns the rest of the state:
 *
 * <ul>
 *   <li>{@link FileView}: the size, the tail block's cleartext, whether raw bytes past the end were
 *       looked for since it changed, and whether the file is closed. Read under the read lock,
 *       changed under the write lock (the size is volatile besides).
 *   <li>{@link FileReads}: the size and content as a reader sees them, through the view under the
 *       read lock, caught up first with other programs' writes where they can show.
 *   <li>{@link FileWrites}: writes, truncation, the buffered mode's delayed tail ({@link
 *       DelayedTail}) and the session's final record, with what only writers keep: the newest
 *       record's runway and sequence ({@link TailRecordWriter}), whether the session wrote, an
 *       unforced shrink, the nonces. Under the write lock.
 *   <li>{@link Durability}: what a session leaves owed a force ({@link ForceLedger}), and the steps
 *       that make records and headers durable, which a writer takes under the write lock.
 *   <li>{@link FileForce}: a caller's force; it owns the lock that runs forces one at a time.
 *   <li>{@link OtherWriters}: what other programs' writes mean for the view, and the writer claim.
 *       Under the write lock, which {@link WriterTurns} takes to follow them and to take turns.
 *   <li>{@link SessionEnd}: closing, or keeping the file open for a tail a close could not write
 *       (it owns that flag). Takes the lock itself.
 * </ul>
 *
 * <p>Locking: reads take the read lock and run concurrently; writes and truncation take the write
 * lock. A force holds the read lock to begin and to end (what it changes, readers never look at),
 * and no lock for its {@code fsync}, so reads go on throughout and writes that find a free tail
 * slot go on while the disk works; forces run one at a time. A write that finds none waits for the
 * force to end, letting the write lock go, before it reads anything of the file's state, so that
 * another writer that runs meanwhile never sees half of it.
 */
final class OpenFile {
  /** The most bytes of home blocks one raw read or write carries. */
  private static final int BATCH_BYTES = 1 << 20;

  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final FileKeys keys;
  private final TailSlots slots;
  private final FileHeaders headers;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  /** A writer that found every tail slot protected waits on it for a force to end. */
  private final ForceEnded forceEnded = new ForceEnded(lock);

  private final FileView view;
  private final Durability durability;
  private final FileWrites writes;
  private final FileForce forcing;
  private final SessionEnd ending;
  private final WriterTurns turns;
  private final FileReads reads;
  private final HomeBlockReader homeReader;
  private final OtherWriters others;
  private final FileRewrap rewrapping;
  // Why the other header slot failed authentication at load, until the opener reports it.
  private String headerDamage;

  /** Loads a file's front region again, as opening it does. */
  interface FrontLoader {
    LoadedFile load(RawFile raw, String path) throws IOException;
  }

  OpenFile(String path, RawFile raw, LoadedFile loaded, SecureRandom random) {
    this(path, raw, loaded, random, WriteMode.WRITE_THROUGH, null);
  }

  /**
   * @param flusher runs the time-bounded flush of a buffered tail; null in write-through mode
   */
  OpenFile(
      String path,
      RawFile raw,
      LoadedFile loaded,
      SecureRandom random,
      WriteMode mode,
      TailFlusher flusher) {
    this.path = new FileName(path);
    this.raw = raw;
    raw.reportAs(this.path);
    this.g = loaded.geometry();
    this.keys = loaded.keys();
    SealedBlocks blocks = new SealedBlocks(g, keys, Aead.of(keys.algorithm()));
    this.slots = loaded.slots();
    int batchBlocks = Math.max(1, BATCH_BYTES / g.blockSize());
    WriteBuffers buffers = new WriteBuffers(g);
    this.homeReader = new HomeBlockReader(this.path, raw, g, blocks);
    this.headers =
        new FileHeaders(
            this.path, raw, keys, loaded.header(), loaded.headerSlot(), loaded.headerImage());
    this.headerDamage = loaded.headerDamage();
    this.others =
        new OtherWriters(
            this.path,
            raw,
            new WriterClaim(this.path, raw, g, blocks),
            slots,
            headers,
            this::adopt);
    TailRecord record = loaded.record();
    this.view = new FileView(homeReader, g, batchBlocks, record.size(g), loaded.tail());
    this.durability = new Durability(raw, slots, headers, others);
    if (loaded.nonces() != null) {
      // A new file: its creation wrote the front region, which the file system's close must force
      // unless a force covers it first (the creating open's own, by default), even if the file is
      // closed without a write.
      durability.written();
    }
    DelayedTail delayed = new DelayedTail(mode, flusher, this::timedFlush);
    this.writes =
        new FileWrites(
            this.path,
            raw,
            view,
            new TailRecordWriter(
                this.path, raw, blocks, buffers, slots, record, forceEnded, others::confirm),
            new HomeBlockWriter(this.path, raw, blocks, homeReader, buffers, batchBlocks),
            durability,
            others,
            delayed,
            random,
            loaded.nonces());
    this.forcing = new FileForce(lock, forceEnded, raw, view, writes, durability);
    this.ending = new SessionEnd(lock, this.path, raw, keys, view, writes, forcing, delayed);
    this.turns = new WriterTurns(lock, raw, view, others, writes);
    this.reads = new FileReads(lock, g, view, turns);
    this.rewrapping = new FileRewrap(lock, raw, view, headers, others);
  }

  /**
   * Lets this file follow what other programs write to it, loading it again with {@code loader}.
   */
  void followOthersWith(FrontLoader loader) {
    others.followWith(loader);
  }

  /**
   * Runs {@code tried} (without this file's lock) each time the timer has tried to write the
   * buffered tail that a failed close kept (see {@link #close}), so that the file system lets the
   * file go once it is written, or once its name no longer holds it.
   */
  void onKeptTailTried(Runnable tried) {
    ending.onKeptTailTried(tried);
  }

  /** Tells {@code listener} about every authentication failure in this file's blocks. */
  void reportIntegrityTo(IntegrityListener listener) {
    homeReader.integrity = listener;
  }

  String path() {
    return path.toString();
  }

  /** The file was moved while open: report it by {@code displayPath} from now on. */
  void renamed(String displayPath) {
    path.set(displayPath);
  }

  RawFile raw() {
    return raw;
  }

  Geometry geometry() {
    return g;
  }

  long size() throws IOException {
    return reads.size();
  }

  /** Whether the session ended and this view is closed: its size is then the disk's. */
  boolean closed() {
    return reads.closed();
  }

  /** Reads at {@code position}; -1 at or past the end, as {@code FileChannel.read} does. */
  int read(ByteBuffer dst, long position) throws IOException {
    return reads.read(dst, position);
  }

  /**
   * This program took a lock on the file: catches up with what other programs wrote (see {@link
   * WriterTurns#catchUp}).
   */
  void catchUp() throws IOException {
    turns.catchUp();
  }

  /** This program locked the file to write it (see {@link WriterTurns#lockedForWriting}). */
  void lockedForWriting() throws IOException {
    turns.lockedForWriting();
  }

  /** This program gave up its last lock on the file (see {@link WriterTurns#handOff}). */
  void handOff() throws IOException {
    turns.handOff();
  }

  /** Takes the state of {@code fresh}, this file loaded again. Under the write lock. */
  private boolean adopt(LoadedFile fresh) {
    try {
      if (!Arrays.equals(fresh.keys().fileId(), keys.fileId())) {
        // Another file's bytes under this file's name and identity: not a write; keep the view.
        return false;
      }
      view.reload(fresh.record().size(g), fresh.tail());
      slots.resetTo(fresh.slots());
      writes.reloaded(fresh.record());
      headers.reset(fresh.header(), fresh.headerSlot(), fresh.headerImage());
      return true;
    } finally {
      fresh.keys().destroy();
      Arrays.fill(fresh.tail(), (byte) 0);
    }
  }

  /** Writes all of {@code src} at {@code position}; returns the bytes written. */
  int write(ByteBuffer src, long position) throws IOException {
    PinnedLocks.lock(lock.writeLock());
    try {
      return writes.write(src, position, false);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Writes all of {@code src} at the current end, atomically; returns the new end. */
  long append(ByteBuffer src) throws IOException {
    PinnedLocks.lock(lock.writeLock());
    try {
      writes.write(src, 0, true);
      return view.size();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Shrinks the file to {@code newSize}; a larger size leaves it unchanged. */
  void truncate(long newSize) throws IOException {
    PinnedLocks.lock(lock.writeLock());
    try {
      view.ensureOpen();
      catchUp();
      if (newSize < view.size()) {
        writes.truncate(newSize);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Makes every write that returned before this call durable (see {@link FileForce#force}); writes
   * that land while it runs may or may not be covered, as on a plain file.
   */
  void force(boolean metaData) throws IOException {
    forcing.force(metaData);
  }

  /** Rewraps the data key under master key {@code alias} (see {@link FileRewrap#rewrap}). */
  boolean rewrap(String alias, KeyProvider keyProvider) throws IOException {
    return rewrapping.rewrap(alias, keyProvider);
  }

  /** The time bound of a buffered write has passed (see {@link SessionEnd#timedFlush}). */
  private boolean timedFlush(long number) {
    return ending.timedFlush(number);
  }

  /** Why a header slot failed authentication at load, once; null if both did, or once taken. */
  synchronized String takeHeaderDamage() {
    String damage = headerDamage;
    headerDamage = null;
    return damage;
  }

  /** What this session leaves the file system's close to do about forcing this file. */
  ForceLedger.Debt forceDebt() {
    PinnedLocks.lock(lock.readLock());
    try {
      return durability.debt();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Whether this session wrote since its last force. Without the file's lock, which a writer holds
   * across its own {@code fsync}: the registry's monitor asks, and must not wait for the disk.
   */
  boolean owesForce() {
    return durability.debt() == ForceLedger.Debt.OWED;
  }

  /** Closes the file (see {@link SessionEnd#close}). */
  void close() throws IOException {
    ending.close();
  }

  /**
   * Whether a read would wait for the file's lock now: a writer holds it or waits for it. A look,
   * for {@link PinnedCalls}, which the lock may belie a moment later.
   */
  boolean readWaits() {
    return lock.isWriteLocked() || lock.hasQueuedThreads();
  }

  /** As {@link #readWaits}, for a write, which readers holding the lock hold up too. */
  boolean writeWaits() {
    return readWaits() || lock.getReadLockCount() > 0;
  }

  /** As {@link #readWaits}, for a force, which another force under way holds up too. */
  boolean forceWaits() {
    return readWaits() || forcing.running();
  }

  /** Closes the file without writing its tail (see {@link SessionEnd#drop}). */
  void drop() throws IOException {
    ending.drop();
  }

  /** A writing channel closed; others keep the file open (see {@link SessionEnd#writerClosed}). */
  void writerClosed() throws IOException {
    ending.writerClosed();
  }

  /** Whether a buffered tail still waits for its record (see {@link SessionEnd#tailWaits}). */
  boolean tailWaits() {
    return ending.tailWaits();
  }

  /** See {@link SessionEnd#stateIfFree}. */
  SessionEnd.State endStateIfFree() {
    return ending.stateIfFree();
  }

  /** See {@link SessionEnd#awaitState}. */
  void awaitEndState() {
    ending.awaitState();
  }

  /** Closes the file as the file system's close does (see {@link SessionEnd#closeForced}). */
  void closeForced() throws IOException {
    ending.closeForced();
  }
}
