package io.encryptedfs.channel;

import java.io.IOException;

/**
 * What one open file's writes and forces know and do about durability: which tail records are
 * durable ({@link TailSlots}), what the header on disk names as forced ({@link FileHeaders}), what
 * a session leaves owed ({@link ForceLedger}), and the forces a writer makes itself, under the
 * file's write lock, so that a crash or power loss never leaves bytes the file cannot explain.
 *
 * <p>A caller's force ({@link FileForce}) runs in two halves, {@link #beginForce} and {@link
 * #endForce}, each under the file's read lock and the file's force lock, with the {@code fsync}
 * between them under neither file lock: what they change, only writers (under the write lock) and
 * forces (one at a time) change besides, and readers never look at.
 */
final class Durability {
  private final RawFile raw;
  private final TailSlots slots;
  private final FileHeaders headers;
  private final OtherWriters others;
  private final ForceLedger ledger = new ForceLedger();

  Durability(RawFile raw, TailSlots slots, FileHeaders headers, OtherWriters others) {
    this.raw = raw;
    this.slots = slots;
    this.headers = headers;
    this.others = others;
  }

  /** A caller's force under way: what it protects, and what it found written when it began. */
  record Begun(int slot, long sequence, long writesBefore, long named) {}

  /** Something was handed to the underlying file. */
  void written() {
    ledger.written();
  }

  /** What this session leaves the file system's close to do about forcing this file. */
  ForceLedger.Debt debt() {
    return ledger.debt();
  }

  /** Whether the slot the newest record is in is unknown until whatever is on disk is durable. */
  boolean newestSlotUnknown() {
    return slots.needsForceBeforeWrite();
  }

  /** Whether a rejected newer record (see {@link TailSlots#hasStale}) still sits in a slot. */
  boolean staleRecordLeft() {
    return slots.hasStale();
  }

  /** Whether the newest record written is not yet known durable. */
  boolean newestUnforced() {
    return slots.durableSequence() < slots.latestSequence();
  }

  /**
   * Forces the underlying file under the write lock; the header it found written is then durable.
   */
  void forceRaw() throws IOException {
    long named = headers.current().forcedSequence();
    raw.force(false);
    headers.synced(named);
  }

  /**
   * A force of this writer's own, under the write lock, that makes everything written durable. The
   * header says so too, as after a caller's force: a reader that later finds only older records
   * reports damage, and one that loads the file before anything newer is written knows its newest
   * record durable (see {@link TailSlots#forExistingFile}).
   */
  void forceAll() throws IOException {
    forceRaw();
    slots.forced();
    headers.recordForced(slots.latestSequence());
  }

  /**
   * Before home blocks {@code from..to} (already on disk) are rewritten in place: a power loss may
   * tear that write, which a reader then reports as a damaged block, as long as it chooses the
   * newest durable record. But the reader falls back past a record whose older records' partial
   * tails it counts as full blocks when one of those blocks does not authenticate (it takes the
   * block for one that never landed; see {@link FileLoader}), and it consults the older records
   * down to the forced sequence the header on disk names. That header write follows the force that
   * made the record durable, and is durable itself only at the next {@code fsync}. So when a crash
   * may leave in a slot a record, at or above the header known durable and older than the durable
   * record, whose partial tail is one of these blocks ({@link TailSlots#keepsPartialTailIn}), the
   * header is made durable naming the durable record first: otherwise a torn in-place write could
   * roll a forced file back to that record. This needs a record written shortly before a block
   * filled, and that block rewritten soon after a force, so it is rare. Under the write lock; never
   * lets it go.
   */
  void guardInPlace(long from, long to) throws IOException {
    long forced = slots.durableSequence();
    long forcing = slots.forcingSequence();
    long bound = headers.durableForced();
    long upTo = Math.max(forced, forcing);
    if (to < from || bound >= upTo || !slots.keepsPartialTailIn(from, to, bound, upTo)) {
      return;
    }
    if (forcing > forced) {
      // The running force's record is not durable until it returns, and no header may name it
      // before: this writer makes everything durable itself instead of waiting (a wait here, in
      // the middle of a write, would let another writer run on this one's half-made state).
      forceAll();
    } else {
      headers.recordForced(forced);
    }
    forceRaw();
  }

  /** A caller's force begins: the newest record's slot is protected until {@link #endForce}. */
  Begun beginForce() {
    return new Begun(
        slots.beginForce(),
        slots.latestSequence(),
        ledger.beginForce(),
        headers.current().forcedSequence());
  }

  /**
   * The caller's force {@code begun} ended; when it {@code succeeded} and the file is still {@code
   * open}, what it made durable is recorded, in the header too when this program may write it.
   */
  void endForce(Begun begun, boolean succeeded, boolean open) throws IOException {
    boolean sameView = slots.endForce(begun.slot(), succeeded);
    if (!succeeded || !open) {
      return;
    }
    ledger.forced(begun.writesBefore());
    // The file was loaded again meanwhile (another program wrote it): the header and the record
    // this force began with are no longer this view's.
    if (sameView) {
      headers.synced(begun.named());
      if (raw.writable() && headers.isNewer(begun.sequence())) {
        recordForced(begun.sequence());
      }
    }
  }

  /**
   * Writes the forced sequence into the header, which only a writer does (another may own the file;
   * see {@link OtherWriters#claimForHeader}). Under the read lock.
   */
  private void recordForced(long sequence) throws IOException {
    OtherWriters.Claimed claimed = others.claimForHeader();
    if (claimed != OtherWriters.Claimed.REFUSED) {
      headers.recordForced(sequence);
      if (claimed == OtherWriters.Claimed.LENT) {
        raw.releaseWriter();
      }
    }
  }
}
