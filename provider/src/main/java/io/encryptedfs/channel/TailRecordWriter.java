package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Writes one file's tail records: picks the slot ({@link TailSlots}), spends the next sequence
 * number, seals the record and writes it, and remembers the runway the newest record grants.
 * Guarded by the owning file's write lock ({@link #writerWaits} may be asked under its read lock);
 * {@code forceEnded} is a condition of that lock, which a writer that finds every slot protected
 * waits on ({@link ForceEnded}).
 */
final class TailRecordWriter {
  /** Confirms, just before a record is written, that this file is still the file's one writer. */
  interface WriterCheck {
    /** Throws if another writer may have written the file since this session's view was taken. */
    void confirm() throws IOException;
  }

  /**
   * The allowance of every record written while a file is open for writing: unbounded, so that a
   * session forces at most one runway record however far the file grows. A bounded runway needs a
   * force each time it is outgrown, and each such force writes back every dirty page of the file,
   * which made unforced appends and large unforced writes wait for the disk. Closing writes a
   * record with allowance 0, so a cleanly closed file still reports any raw byte appended to it.
   */
  static final int OPEN_ALLOWANCE = Integer.MAX_VALUE;

  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final SealedBlocks blocks;
  private final WriteBuffers buffers;
  private final TailSlots slots;
  private final ForceEnded forceEnded;
  private final WriterCheck check;
  private long nextSequence;
  private long runwayEnd;
  private int waiting;

  /**
   * The most records one write spends: its own, a runway record, a copy of the chosen record over
   * stale ones, the steps of a truncation. Only a file whose records someone holding its key wrote
   * with sequences near the end could come close.
   */
  static final long SEQUENCES_PER_WRITE = 64;

  /** For a file whose newest record (the one it was loaded or created with) is {@code newest}. */
  TailRecordWriter(
      FileName path,
      RawFile raw,
      SealedBlocks blocks,
      WriteBuffers buffers,
      TailSlots slots,
      TailRecord newest,
      ForceEnded forceEnded,
      WriterCheck check) {
    this.path = path;
    this.raw = raw;
    this.g = blocks.geometry();
    this.blocks = blocks;
    this.buffers = buffers;
    this.slots = slots;
    this.forceEnded = forceEnded;
    this.check = check;
    this.runwayEnd = newest.homeBlocks() + newest.allowance();
    this.nextSequence = Math.max(newest.sequence(), slots.maxSequence()) + 1;
  }

  /** The file was loaded again, its newest record now {@code newest} (slots already reset). */
  void reset(TailRecord newest) {
    this.runwayEnd = newest.homeBlocks() + newest.allowance();
    this.nextSequence = Math.max(newest.sequence(), slots.maxSequence()) + 1;
  }

  /**
   * Refuses a write once the file's record sequences, which end at {@code 2^63 − 1} (FORMAT.md
   * section 4), might run out in it: a sequence that wrapped to a negative one would make the
   * record invalid, and the next after it overwrite the newest valid one. A file written honestly
   * spends one sequence per record and never comes near; one whose newest record another writer
   * holding its key made at the end can still be read and copied.
   */
  void requireSequences() throws IOException {
    if (nextSequence < 1 || nextSequence > Long.MAX_VALUE - SEQUENCES_PER_WRITE) {
      throw new IOException(
          path
              + ": cannot write: its tail records' sequence numbers are spent (the newest is "
              + (nextSequence - 1)
              + ", the format's last 2^63 - 1); copy the file to write it");
    }
  }

  /**
   * True while a writer waits on {@code forceEnded} for a force to free a slot. Changed under the
   * write lock only, so the read lock gives a stable answer: a force that ends seeing none need not
   * signal, since a writer that comes later finds the slot it freed.
   */
  boolean writerWaits() {
    return waiting > 0;
  }

  /**
   * Waits, letting the write lock go, until a force running without it ends (it protects a slot).
   * Under the write lock, before a write reads the file's state: another writer may run meanwhile.
   */
  void awaitForceEnd() {
    waiting++;
    try {
      forceEnded.await();
    } finally {
      waiting--;
    }
  }

  /**
   * Whether a tail slot is free for the next record; none is while a force protects the one a
   * record could go to (see {@link TailSlots}).
   */
  boolean slotFree() {
    return slots.next() >= 0;
  }

  /** The home blocks the newest record lets exist on disk (its {@code k} plus its allowance). */
  long runwayEnd() {
    return runwayEnd;
  }

  /**
   * Writes a record of {@code homeBlocks} full blocks and the first {@code length} bytes of {@code
   * tailPlain}, letting home blocks exist up to {@code runway}, to the next free slot, which the
   * caller made sure of ({@link #awaitForceEnd}) before it read what the record holds. The sequence
   * is spent even if the write fails. Before anything is spent, {@code check} confirms this file is
   * still the writer: an interrupt may have had the underlying channel reopened, its writer lock
   * with it, since the write began or while it waited.
   */
  void write(long homeBlocks, int length, byte[] tailPlain, long runway, NonceSequence nonces)
      throws IOException {
    int slot = slots.next();
    if (slot < 0) {
      // The caller waits for a free slot before it reads the state this record holds; waiting
      // here would let another writer run in the middle of this one's write.
      throw new IllegalStateException(path + ": no free tail slot");
    }
    if (nextSequence < 1) {
      // requireSequences refused the write before it began: this is only a last guard.
      throw new IOException(path + ": cannot write: its tail records' sequence numbers are spent");
    }
    check.confirm();
    long sequence = nextSequence++;
    int allowance = (int) Math.min(Integer.MAX_VALUE, Math.max(0, runway - homeBlocks));
    ByteBuffer out = buffers.tailOut(length);
    out.clear();
    try {
      blocks.sealTail(
          sequence, homeBlocks, length, allowance, buffers.tailIn(tailPlain, length), out, nonces);
    } catch (GeneralSecurityException e) {
      throw new IOException(path + ": cannot seal tail: " + e.getMessage(), e);
    }
    out.flip();
    raw.writeFully(out, g.tailSlotOffset(slot));
    slots.written(slot, sequence, length > 0 ? homeBlocks : TailSlots.NO_PARTIAL);
    runwayEnd = homeBlocks + allowance;
  }
}
