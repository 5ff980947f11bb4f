package io.encryptedfs.channel;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.crypto.Aead;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The one shared state of an open encrypted file: its keys, cleartext size, tail block and tail
 * slots. Every channel on the file in one file system goes through the same {@code OpenFile}, so a
 * write through one is visible to a read through another at once.
 *
 * <p>Locking: reads take the read lock and run concurrently; writes and truncation take the write
 * lock. A force holds the read lock to begin and to end (what it changes, readers never look at),
 * and no lock for its {@code fsync}, so reads go on throughout and writes that find a free tail
 * slot go on while the disk works; forces run one at a time. A write that finds none waits for the
 * force to end, letting the write lock go, before it reads anything of the file's state, so that
 * another writer that runs meanwhile never sees half of it.
 *
 * <p>The write path ({@link FileWrites}) says what a write hands to the underlying file, and in
 * what order.
 */
final class OpenFile {
  /** The most bytes of home blocks one raw read or write carries. */
  private static final int BATCH_BYTES = 1 << 20;
  private static final System.Logger LOG = System.getLogger(OpenFile.class.getName());

  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final FileKeys keys;
  private final TailSlots slots;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  private final FileHeaders headers;
  private final FileView view;
  private final Durability durability;
  private final FileWrites writes;
  private final ReentrantLock forceLock = new ReentrantLock();
  private final Condition forceEnded = lock.writeLock().newCondition();
  // Why the other header slot failed authentication at load, until the opener reports it.
  private String headerDamage;
  /**
   * The close of its last channel could not write a buffered tail: the file stays open without
   * channels (see {@link #close}) until the timer writes it and tells the file system so.
   */
  private boolean kept;
  private Runnable keptTailWritten = () -> {};
  private final HomeBlockReader homeReader;
  private final OtherWriters others;

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
            new DelayedTail(mode, flusher, this::timedFlush),
            random);
  }

  /** Lets this file follow what other programs write to it, loading it again with {@code loader}. */
  void followOthersWith(FrontLoader loader) {
    others.followWith(loader);
  }

  /**
   * Runs {@code written} (without this file's lock) when the timer writes the buffered tail that a
   * failed close kept (see {@link #close}), so that the file system lets the file go.
   */
  void onKeptTailWritten(Runnable written) {
    keptTailWritten = written;
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
    followOtherWriters();
    lock.readLock().lock();
    try {
      ensureOpen();
      return view.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Reads at {@code position}; -1 at or past the end, as {@code FileChannel.read} does. */
  int read(ByteBuffer dst, long position) throws IOException {
    if (position > g.blockStart(g.homeBlocks(view.size())) - dst.remaining()) {
      // The last block and the end come from this view, not the disk: another program may have
      // changed them.
      followOtherWriters();
    }
    int start = dst.position();
    try {
      return readLocked(dst, position);
    } catch (DamagedFileException e) {
      // Blocks of this view may be gone, or rewritten, because another program truncated the file
      // since: a plain file's reader would find the file as it is now, so this one reads again on
      // the view caught up with it. Damage reads as damage again.
      if (!followOtherWriters()) {
        throw e;
      }
      for (int i = start; i < dst.position(); i++) {
        dst.put(i, (byte) 0); // bytes of the view given up
      }
      dst.position(start);
      return readLocked(dst, position);
    }
  }

  /**
   * A file that this program does not write may be written by another one (which holds the writer
   * lock, see {@link WriterClaim}): when it may have changed since it was last looked at, the view
   * catches up with it ({@link OtherWriters#catchUp}). Called where a reader meets the end of the
   * file (its size, a read of the last block or at the end). Returns whether the view changed.
   */
  private boolean followOtherWriters() throws IOException {
    long modified = others.mayHaveChanged();
    return modified != Long.MIN_VALUE && catchUp(modified);
  }

  /**
   * As {@link #followOtherWriters}, whatever the underlying file's modification time says: called
   * when this program takes a lock on the file, after which a plain file's reader sees every write
   * another program made before it let the lock go.
   */
  void catchUp() throws IOException {
    if (others.following()) {
      catchUp(raw.lastModified());
    }
  }

  private boolean catchUp(long modified) throws IOException {
    lock.writeLock().lock();
    try {
      return !view.closed() && !raw.writerHeld() && others.catchUp(modified);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * This program took an exclusive lock on the file through a writable channel: a program that
   * takes turns with others under that lock writes next, so the writer lock is taken now, and the
   * file caught up with, in one look (see {@link OtherWriters#claim}); giving up the program's last
   * lock gives it up ({@link #handOff}). While another program holds the writer lock without
   * taking turns, or the file does not load, this only looks at the file as {@link #catchUp} does,
   * and a write then fails as it would have.
   */
  void lockedForWriting() throws IOException {
    if (!others.following() || !raw.writable()) {
      catchUp();
      return;
    }
    lock.writeLock().lock();
    try {
      if (view.closed() || raw.writerHeld()) {
        return;
      }
      try {
        others.claim();
      } catch (ConcurrentWriterException
          | DamagedFileException
          | KeyMismatchException
          | UnknownKeyAliasException e) {
        // Not this lock's to report: the claim was given back, and the write will say why.
        catchUp();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * This program gave up its last lock on the file: other programs may write it now, as they may a
   * plain file, so a buffered tail's record is written and the writer lock given back. The next
   * write here takes it again, and catches up with what others wrote meanwhile. A write of this
   * program still under way (one waiting for a force to free a tail slot has let the file's lock
   * go) keeps the writer lock: it was begun under it, and its view must stay the file's.
   */
  void handOff() throws IOException {
    if (!raw.writerHeld()) {
      return;
    }
    lock.writeLock().lock();
    try {
      if (view.closed() || !raw.writerHeld() || writes.writerWaits()) {
        return;
      }
      writes.flushTail();
      raw.releaseWriter();
    } finally {
      lock.writeLock().unlock();
    }
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

  private int readLocked(ByteBuffer dst, long position) throws IOException {
    lock.readLock().lock();
    try {
      return view.read(dst, position);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Writes all of {@code src} at {@code position}; returns the bytes written. */
  int write(ByteBuffer src, long position) throws IOException {
    lock.writeLock().lock();
    try {
      return writes.write(src, position, false);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Writes all of {@code src} at the current end, atomically; returns the new end. */
  long append(ByteBuffer src) throws IOException {
    lock.writeLock().lock();
    try {
      writes.write(src, 0, true);
      return view.size();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Shrinks the file to {@code newSize}; a larger size leaves it unchanged. */
  void truncate(long newSize) throws IOException {
    lock.writeLock().lock();
    try {
      ensureOpen();
      catchUp();
      if (newSize < view.size()) {
        writes.truncate(newSize);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Makes every write that returned before this call durable, and the newest tail record then
   * the protected one. The {@code fsync} runs without the file's lock (see the class comment);
   * writes that land while it runs may or may not be covered, as on a plain file.
   */
  void force(boolean metaData) throws IOException {
    forceLock.lock();
    try {
      Durability.Begun begun;
      // What a force changes (the tail slots, the force ledger, the header) only writers change
      // besides, under the write lock, and forces, one at a time under forceLock; readers never
      // look at it. So the read lock suffices to begin and to end, and readers go on: a write
      // lock taken twice per force made every reader that arrived meanwhile park behind it.
      Lock held = lock.readLock();
      held.lock();
      try {
        ensureOpen();
        if (writes.tailWaits()) {
          // A buffered write's record waits, and writing a record is a writer's work.
          held.unlock();
          held = lock.writeLock();
          held.lock();
          ensureOpen();
          writes.flushTail();
        }
        begun = durability.beginForce();
      } finally {
        held.unlock();
      }
      boolean succeeded = false;
      try {
        raw.force(metaData);
        succeeded = true;
      } finally {
        endForce(begun, succeeded);
      }
    } finally {
      forceLock.unlock();
    }
  }

  /** The second half of {@link #force}, once its {@code fsync} returned or failed. */
  private void endForce(Durability.Begun begun, boolean succeeded) throws IOException {
    boolean wake = false;
    lock.readLock().lock();
    try {
      wake = writes.writerWaits();
      durability.endForce(begun, succeeded, !view.closed());
    } finally {
      lock.readLock().unlock();
      if (wake) {
        // A writer found every slot protected; the condition belongs to the write lock.
        lock.writeLock().lock();
        try {
          forceEnded.signalAll();
        } finally {
          lock.writeLock().unlock();
        }
      }
    }
  }

  /**
   * Rewraps the data key under master key {@code alias} (see {@link HeaderRewrap}); false when
   * both header slots already name it. Under the write lock, so that a force's header write never
   * interleaves with the rewrap, and the in-memory header stays the newest one on disk.
   */
  boolean rewrap(String alias, KeyProvider keyProvider) throws IOException {
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (headers.alreadyNames(alias)) {
        return false;
      }
      // Claimed for the rewrap only when this program does not write the file: kept, the writer
      // lock would refuse the file's writer until this program closed a channel that only reads.
      boolean lent = !raw.writerHeld();
      others.claim();
      try {
        if (headers.alreadyNames(alias)) {
          return false;
        }
        return headers.rewrap(alias, keyProvider);
      } finally {
        if (lent) {
          raw.releaseWriter();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The time bound of a buffered write has passed: hand its record to the underlying file. */
  private void timedFlush(long number) {
    boolean keptWritten;
    lock.writeLock().lock();
    try {
      writes.flushOnTimer(number);
      keptWritten = kept && !view.closed() && !writes.tailWaits();
    } finally {
      lock.writeLock().unlock();
    }
    if (keptWritten) {
      // The file system's monitor comes before this file's lock, so it is told after.
      keptTailWritten.run();
    }
  }

  /** Why a header slot failed authentication at load, once; null if both did, or once taken. */
  synchronized String takeHeaderDamage() {
    String damage = headerDamage;
    headerDamage = null;
    return damage;
  }

  /** What this session leaves the file system's close to do about forcing this file. */
  ForceLedger.Debt forceDebt() {
    lock.readLock().lock();
    try {
      return durability.debt();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Closes the file: a runway this session's writes left open is closed with a final tail record,
   * so that a cleanly closed file has no allowance and any raw byte appended to it is reported. A
   * reader never writes: the runway another session left open is closed by its next writer.
   *
   * <p>If a buffered tail's record cannot be written (a full disk), the close throws but the file
   * stays open, without channels: those writes were acknowledged, and dropping the tail would lose
   * them. It keeps its writer lock, and its record is tried again on a timer ({@link
   * DelayedTail#closeFailed}); the file system lets it go once that succeeds, gives it to the next
   * channel that opens the file, and tries it a last time when it closes ({@link #closeForced}).
   * See {@link #kept}.
   */
  void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (view.closed()) {
        return;
      }
      try {
        writes.endSession();
      } catch (IOException | RuntimeException e) {
        if (!writes.tailWaits()) {
          releaseAfter(e);
          throw e;
        }
        kept = true;
        if (writes.closeFailed()) {
          LOG.log(
              System.Logger.Level.WARNING,
              path
                  + ": closing could not write the buffered last block; kept in memory and"
                  + " retried: "
                  + e.getMessage());
          throw e;
        }
        // A closing channel that neither wrote since nor can do more than the timer does: the
        // program was told at the close that first failed, and the file system's close tells.
        LOG.log(
            System.Logger.Level.DEBUG,
            path + ": closing still cannot write the buffered last block: " + e.getMessage());
        return;
      }
      kept = false;
      release();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Whether the last close kept the file open for a buffered tail it could not write (see {@link
   * #close}); false once a close released it.
   */
  boolean kept() {
    lock.readLock().lock();
    try {
      return !view.closed() && kept;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Whether a buffered tail still waits for its record. */
  boolean tailWaits() {
    lock.readLock().lock();
    try {
      return writes.tailWaits();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** {@link #release}, keeping {@code failure} the one thrown. */
  private void releaseAfter(Throwable failure) {
    try {
      release();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Forgets the file's keys and cleartext and closes its underlying channel. Under the lock. */
  private void release() throws IOException {
    view.release();
    keys.destroy();
    raw.close();
  }

  /**
   * Closes the file as the file system's close does: the session's final record first, then a
   * force that covers it, so that the newest record is the forced one and the next session's
   * first write need not force (see {@link TailSlots#forExistingFile}). The file is closed
   * whatever fails: this is the last try at a buffered tail, and one it cannot write is lost,
   * which the exception says.
   */
  void closeForced() throws IOException {
    IOException failure = null;
    try {
      lock.writeLock().lock();
      try {
        if (view.closed()) {
          return;
        }
        writes.endSession();
      } finally {
        lock.writeLock().unlock();
      }
      force(true);
    } catch (IOException e) {
      failure = e;
    }
    lock.writeLock().lock();
    try {
      if (!view.closed()) {
        if (writes.tailWaits()) {
          failure =
              new IOException(
                  path
                      + ": the file system's close could not write the file's last block; writes"
                      + " to it acknowledged since its last record are lost",
                  failure);
        }
        release();
      }
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    } finally {
      lock.writeLock().unlock();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void ensureOpen() throws ClosedChannelException {
    view.ensureOpen();
  }
}
