package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * The write path of one open file: writes, appends and truncation change its {@link FileView} and
 * put down home blocks and tail records in the order FORMAT.md's "Crash safety" needs; a buffered
 * write's record waits ({@link DelayedTail}) until it is flushed; a closing session writes the
 * record that closes its runway. Owns the writer's own state (whether this session wrote, an
 * unforced shrink, the nonces) and the helpers only writers use. Every method runs under the owning
 * {@link OpenFile}'s write lock; the one place it lets it go is {@link #awaitFreeSlot}.
 *
 * <p>Writes are write-through: when {@link #write} returns, every sealed byte has been handed to
 * the underlying file, and nothing is buffered except the tail block's cleartext, which is also on
 * disk in the newest tail record (in the buffered mode, within the mode's bound).
 *
 * <p>Write order (see FORMAT.md, "Crash safety"): home blocks first, then the tail record that
 * accounts for them; a record that would let home blocks appear past its runway is preceded by one
 * that opens the runway, forced, so that a crash between the two never leaves bytes the file cannot
 * explain.
 */
final class FileWrites {
  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final FileView view;
  private final TailRecordWriter tails;
  private final HomeBlockWriter homeWriter;
  private final Durability durability;
  private final OtherWriters others;
  private final DelayedTail delayed;
  private final SecureRandom random;
  private NonceSequence nonces;

  /** Raw bytes past the home blocks were dropped, and the shrink is not yet durable. */
  private boolean shrinkUnforced;

  /** This session created or wrote the file: its close closes the runway it opened. */
  private boolean wrote;

  /**
   * @param creationNonces those a new file's creation sealed with; null for a loaded file
   */
  FileWrites(
      FileName path,
      RawFile raw,
      FileView view,
      TailRecordWriter tails,
      HomeBlockWriter homeWriter,
      Durability durability,
      OtherWriters others,
      DelayedTail delayed,
      SecureRandom random,
      NonceSequence creationNonces) {
    this.path = path;
    this.raw = raw;
    this.g = view.geometry();
    this.view = view;
    this.tails = tails;
    this.homeWriter = homeWriter;
    this.durability = durability;
    this.others = others;
    this.delayed = delayed;
    this.random = random;
    this.nonces = creationNonces;
    // A file being created is claimed from before its header exists; any other starts unclaimed.
    this.wrote = raw.writerHeld();
    if (wrote) {
      // Its raw length is then the front region just written, with nothing past it to drop.
      view.surplusHandled();
    }
  }

  /**
   * Writes all of {@code src} at {@code position}, or at the end when {@code atEnd} (the end on
   * disk: the writer claim catches up with another writer that moved it since this view was
   * loaded); returns the bytes written. Everything this reads of the file's state, it reads after
   * {@link #awaitFreeSlot}, which is the only place a write lets the lock go.
   */
  int write(ByteBuffer src, long position, boolean atEnd) throws IOException {
    view.ensureOpen();
    int n = src.remaining();
    if (n == 0) {
      return 0;
    }
    if (!atEnd) {
      checkEnd(position, n);
    }
    prepareWrite();
    awaitFreeSlot();
    // A reopen since the claim (while this write waited for a slot, say) may have let the writer
    // lock go: checked here, not only before a record, since a buffered write may make none.
    others.confirm();
    long oldSize = view.size();
    long pos = atEnd ? oldSize : position;
    long end = checkEnd(pos, n);
    long oldBlocks = g.homeBlocks(oldSize);
    long newSize = Math.max(oldSize, end);
    long newBlocks = g.homeBlocks(newSize);
    long first = g.blockIndex(pos);
    long homeFrom = Math.min(first, oldBlocks);
    long homeTo = Math.min(g.blockIndex(end - 1), newBlocks - 1);
    GrowthCheck.check(path, raw, g, tails.runwayEnd(), pos, oldBlocks, newBlocks);
    byte[] tail = view.tail();
    if (homeTo >= tails.runwayEnd()) {
      // The first write of a session past the file's end (2^31 blocks later, again).
      writeRecord(
          oldBlocks, g.tailLength(oldSize), tail, oldBlocks + TailRecordWriter.OPEN_ALLOWANCE);
      // Durable before any home block it permits: write-back may persist those blocks first, and
      // after a power loss the raw length would exceed every record's allowance (the file would
      // not open).
      durability.forceAll();
    }
    if (homeTo >= homeFrom) {
      durability.guardInPlace(homeFrom, Math.min(homeTo, oldBlocks - 1));
      homeWriter.write(homeFrom, homeTo, oldSize, tail, src, pos, nonces());
      durability.written();
    }
    if (delayed.buffered() && newBlocks == oldBlocks && end > g.blockStart(newBlocks)) {
      // Only the partial last block changed: update it in place (no record can fail here, and
      // bytes past its length are zero), and let its record wait (see WriteMode).
      overlay(tail, g.blockStart(newBlocks), src, pos, end);
      durability.written();
      delayed.changed();
    } else if (end > g.blockStart(newBlocks) || newBlocks != oldBlocks) {
      // Whole blocks before and after (a new file's first page, a page store growing): the tail
      // stays empty, and its block, zero past its length, is the next one as it is.
      boolean stillEmpty = g.tailLength(oldSize) == 0 && g.tailLength(newSize) == 0;
      byte[] next = stillEmpty ? tail : view.spareTail();
      if (newBlocks == oldBlocks) {
        System.arraycopy(tail, 0, next, 0, g.tailLength(oldSize));
      }
      overlay(next, g.blockStart(newBlocks), src, pos, end);
      writeRecord(newBlocks, g.tailLength(newSize), next, tails.runwayEnd());
      if (!stillEmpty) {
        view.replaceTail(next);
      }
    }
    view.resize(newSize);
    src.position(src.position() + n);
    return n;
  }

  /**
   * Shrinks the file to {@code newSize}, which the caller found shorter than the view (after
   * catching up with other writers); a larger size by then leaves it unchanged.
   */
  void truncate(long newSize) throws IOException {
    prepareWrite();
    awaitFreeSlot();
    if (newSize >= view.size()) {
      // Another writer's change, caught up with at the claim, left it no longer than that.
      return;
    }
    // A record admits at most OPEN_ALLOWANCE blocks past its own: a cut by more (8 TiB at 4 KiB
    // blocks) goes in steps, each a record of whole blocks that still admits every raw byte, made
    // durable and then the shrink, so that a crash between leaves a file that opens (at a step's
    // size) rather than one with more raw bytes than its newest record allows. The raw file never
    // reaches past the runway, so only a runway that long makes its length worth asking.
    long target = g.homeBlocks(newSize);
    while (tails.runwayEnd() - target > TailRecordWriter.OPEN_ALLOWANCE) {
      long stop = Math.max(target, rawBlocks() - TailRecordWriter.OPEN_ALLOWANCE);
      if (stop == target) {
        break;
      }
      cut(g.blockStart(stop));
    }
    cut(newSize);
  }

  /** The home blocks the raw file reaches now, a torn last one included. */
  private long rawBlocks() throws IOException {
    long past = raw.size() - g.frontSize();
    return past <= 0 ? 0 : (past + g.sealedBlockSize() - 1) / g.sealedBlockSize();
  }

  /** Shrinks the file to {@code newSize}, which cuts no more blocks than a record can admit. */
  private void cut(long newSize) throws IOException {
    long size = view.size();
    long oldBlocks = g.homeBlocks(size);
    long newBlocks = g.homeBlocks(newSize);
    int newLength = g.tailLength(newSize);
    byte[] next = view.spareTail();
    if (newBlocks == oldBlocks) {
      System.arraycopy(view.tail(), 0, next, 0, newLength);
    } else if (newLength > 0) {
      homeWriter.copyStart(newBlocks, next, newLength);
    }
    writeRecord(newBlocks, newLength, next, Math.max(tails.runwayEnd(), oldBlocks));
    // The newest record makes the file this short, whatever follows fails: the view says so at
    // once, as after a write, and stays what a crash would find.
    view.replaceTail(next);
    view.resize(newSize);
    view.surplusUnknown();
    // The shorter record must be durable before the raw file shrinks: a power loss that kept
    // the shrink but lost the record would leave a record naming blocks that are gone. A force
    // or shrink that fails here is done again before the next write (see dropSurplus).
    durability.forceAll();
    dropSurplus();
  }

  /**
   * The end of a write of {@code n} bytes at {@code pos}, if the format allows a file that long.
   */
  private long checkEnd(long pos, int n) throws IOException {
    long end = pos + n;
    if (end < 0 || end > g.maxCleartextSize()) {
      throw new IOException(path + ": write would make the file larger than the format allows");
    }
    return end;
  }

  /**
   * Waits, letting the write lock go, while a force running without it protects the one tail slot a
   * record could go to (see {@link TailSlots}). Every write waits here before it reads the file's
   * state, never in the middle: another writer may run meanwhile. A file whose record sequences
   * could run out during the write is refused here, before anything is written.
   */
  private void awaitFreeSlot() throws IOException {
    while (!tails.slotFree()) {
      tails.awaitForceEnd();
      view.ensureOpen();
    }
    tails.requireSequences();
  }

  /** True while a writer waits for a force to free a tail slot (see {@link #awaitFreeSlot}). */
  boolean writerWaits() {
    return tails.writerWaits();
  }

  /**
   * Copies the bytes of {@code src} (which starts at cleartext {@code pos}) that fall in a block.
   */
  private void overlay(byte[] block, long blockStart, ByteBuffer src, long pos, long end) {
    HomeBlockWriter.overlay(block, g.blockSize(), blockStart, src, src.position(), pos, end);
  }

  /** Writes a tail record (see {@link TailRecordWriter#write}). */
  private void writeRecord(long homeBlocks, int length, byte[] tailPlain, long runway)
      throws IOException {
    tails.write(homeBlocks, length, tailPlain, runway, nonces());
    durability.written();
    // Every record is written with the state that is (or is about to become) the file's state.
    delayed.recorded();
  }

  /** A record of the view as it is now. */
  private void writeCurrentRecord() throws IOException {
    writeRecord(view.homeBlocks(), view.tailLength(), view.tail(), tails.runwayEnd());
  }

  /**
   * Before the first write of a session: make whatever is on disk durable if we cannot tell which
   * tail slot is, and drop raw bytes a crash left past the end.
   */
  private void prepareWrite() throws IOException {
    if (!raw.writable()) {
      throw new IOException(path + ": the underlying file is open read-only");
    }
    raw.refuseAfterFailedForce();
    others.claim();
    wrote = true;
    if (durability.newestSlotUnknown()) {
      durability.forceAll();
    }
    if (durability.staleRecordLeft()) {
      // A rejected newer record must not outlive this session's first home block write: a crash
      // could then leave it newest with the raw length it needed, over blocks it never covered.
      while (durability.staleRecordLeft()) {
        writeCurrentRecord();
      }
      durability.forceAll();
    }
    dropSurplus();
  }

  /**
   * Drops raw bytes past the home blocks the newest record names (a crash's, or a truncate's),
   * durably before new home blocks go there: write-back could otherwise persist a new record but
   * neither the shrink nor the block, and the old bytes would be read in its place (authentic, but
   * from an unacknowledged write, or damage). The newest record is made durable first (a
   * truncate's, when its own force was cut short), or a power loss could keep the shrink without
   * it. A shrink or force that fails is done again by the next call.
   */
  private void dropSurplus() throws IOException {
    if (!view.surplusChecked()) {
      long expected = g.rawLength(view.homeBlocks());
      if (raw.size() > expected) {
        if (durability.newestUnforced()) {
          durability.forceAll();
        }
        raw.truncate(expected);
        shrinkUnforced = true;
      }
      view.surplusHandled();
    }
    if (shrinkUnforced) {
      durability.forceAll();
      shrinkUnforced = false;
    }
  }

  /** Whether a buffered tail still waits for its record. */
  boolean tailWaits() {
    return delayed.dirty();
  }

  /** Writes the tail record a buffered write left waiting, if any. */
  void flushTail() throws IOException {
    if (!delayed.dirty()) {
      return;
    }
    awaitFreeSlot();
    if (delayed.dirty()) { // unless another thread wrote it while this one waited
      writeCurrentRecord();
    }
  }

  /**
   * The close of the file's last channel could not write the buffered tail (see {@link
   * DelayedTail#closeFailed}); returns whether the program has yet to be told.
   */
  boolean closeFailed() {
    return delayed.closeFailed();
  }

  /** The file was loaded again, its newest record now {@code newest}. */
  void reloaded(TailRecord newest) {
    tails.reset(newest);
  }

  /**
   * Writes what a closing session owes the file: a buffered tail's record, and the final record
   * that closes the runway this session's writes opened.
   */
  void endSession() throws IOException {
    flushTail();
    // After a failed force the runway stays open, as after a crash: the file's state on disk is
    // unknown, and the next session's first write checks it as it would after one.
    if (!wrote
        || !raw.writable()
        || raw.forceFailed()
        || durability.newestSlotUnknown()
        || tails.runwayEnd() <= view.homeBlocks()) {
      return;
    }
    awaitFreeSlot();
    long homeBlocks = view.homeBlocks();
    if (tails.runwayEnd() > homeBlocks && others.tryClaim()) {
      if (raw.size() > g.rawLength(homeBlocks)) {
        raw.truncate(g.rawLength(homeBlocks));
      }
      writeRecord(homeBlocks, view.tailLength(), view.tail(), homeBlocks);
    }
  }

  /**
   * A new file's are its creation's, so that its first tail record and the writes after it share
   * one content subkey; others' are drawn at the first seal, so readers (and {@code Files.size})
   * never call SecureRandom.
   */
  private NonceSequence nonces() {
    if (nonces == null) {
      nonces = new NonceSequence(random);
    }
    return nonces;
  }
}
