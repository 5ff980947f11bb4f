package io.encryptedfs.channel;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One writer at a time per file, across programs and across encrypted file systems in one program
 * that reach the same file (a root nested in another, a hard link). Each keeps its own view of a
 * file's end (size, tail block, tail slots, header), so two writers would overwrite each other's
 * tail records and returned writes would vanish. A session's first write therefore takes the writer
 * lock ({@link RawFile#claimWriter}), held until the file closes or the program gives up its last
 * lock on the file (a hand-off, see {@link OpenFile#handOff}), and then checks that the file's end
 * on disk is still the one this file system knows: another writer may have changed it since. While
 * another holds the lock, the write is refused with {@link ConcurrentWriterException} before
 * anything is written; a change made before is caught up with, as a program that opened the file
 * again would see it.
 *
 * <p>A change shows in the front region: every write that moves the end writes a tail record with a
 * sequence above every one on disk, and a rewrap or a force rewrites a header slot (compared byte
 * for byte with what this file last read or wrote there). Writes in place in the middle of a file
 * change neither, and need not: this view holds no home block.
 */
final class WriterClaim {
  /** Why a write is refused while another holds the writer lock. */
  static final String BUSY =
      "another program, or another encrypted file system in this one, is writing it (it keeps"
          + " the file until it closes it or gives up its last lock on it)";

  /** The first pause of a write's claim that found the lock held; each next one doubles. */
  private static final long FIRST_PAUSE_NANOS = 200_000;

  /** The last pause: such a claim gives up about 12.6 ms after it first found the lock held. */
  private static final long LAST_PAUSE_NANOS = 6_400_000;

  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final SealedBlocks blocks;

  WriterClaim(FileName path, RawFile raw, Geometry g, SealedBlocks blocks) {
    this.path = path;
    this.raw = raw;
    this.g = g;
    this.blocks = blocks;
  }

  /**
   * Claims the writer lock of {@code raw}, looking again a few times while it is held elsewhere. A
   * writer keeps the lock for its whole session, but some take it for an instant: a probe ({@link
   * RawFile#writerBusy}), or a program that handed the file on and then forces it, which lends
   * itself the lock to write the header ({@link OtherWriters#claimForHeader}). A claim that met one
   * of those met no other writer. {@code BUSY} once about 12.6 ms passed with the lock held.
   */
  static RawFile.Claim claimLookingAgain(RawFile raw) throws IOException {
    RawFile.Claim claim = raw.claimWriter();
    for (long pause = FIRST_PAUSE_NANOS;
        claim == RawFile.Claim.BUSY && pause <= LAST_PAUSE_NANOS;
        pause *= 2) {
      // Also on a thread interrupted during the write, which completes (Uninterrupted.park).
      Uninterrupted.park(pause);
      claim = raw.claimWriter();
    }
    return claim;
  }

  /**
   * Before a write: takes or keeps the writer lock, or throws {@link ConcurrentWriterException}
   * while another holds it. Returns what another writer changed on disk since this view was loaded,
   * for the caller to load the file again before it writes (the lock stays held); null when the
   * view is current. Cheap once held (a volatile read).
   */
  String claim(TailSlots slots, FileHeaders headers) throws IOException {
    switch (claimLookingAgain(raw)) {
      case HELD:
        return null;
      case BUSY:
        throw new ConcurrentWriterException(path.toString(), BUSY);
      default:
        return changeOnDisk(slots, headers);
    }
  }

  /**
   * For a write that needs this exact view (a force's header write, a close's final record):
   * returns why it may not go on (another holds the lock, or changed the file since, and then the
   * lock is given back), or null when it may.
   */
  String tryClaim(TailSlots slots, FileHeaders headers) throws IOException {
    switch (raw.claimWriter()) {
      case HELD:
        return null;
      case BUSY:
        return BUSY;
      default:
        String change = changeOnDisk(slots, headers);
        if (change != null) {
          raw.releaseWriter();
          return "another writer changed it since it was loaded here (" + change + ")";
        }
        return null;
    }
  }

  /** What differs between the front region on disk and this file's view of it; null if nothing. */
  String changeOnDisk(TailSlots slots, FileHeaders headers) throws IOException {
    ByteBuffer sequence = ByteBuffer.allocate(Long.BYTES);
    for (int slot = 0; slot < Geometry.TAIL_SLOTS; slot++) {
      sequence.clear();
      readSlot(sequence, slot);
      long onDisk = sequence.getLong(0);
      long known = slots.sequence(slot);
      if (onDisk != known && (known != 0 || authentic(slot))) {
        return "tail slot " + slot + " holds record " + onDisk + ", not " + known;
      }
    }
    if (!headers.unchangedOnDisk()) {
      return "its header was rewritten";
    }
    return null;
  }

  /**
   * Whether a slot this file knows as empty or unauthentic (a torn record) now holds an authentic
   * record: only then did another writer put it there.
   */
  private boolean authentic(int slot) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(g.tailSlotSize());
    readSlot(bytes, slot);
    bytes.flip();
    byte[] plain = new byte[g.blockSize()];
    try {
      return FileLoader.openTail(blocks, g, bytes, plain) != null;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * Reads the start of tail slot {@code slot} into {@code dst}. The front region is always present
   * in full (FORMAT.md), so a raw file that now ends inside it was cut short by something other
   * than a writer: damage, as when a file is opened.
   */
  private void readSlot(ByteBuffer dst, int slot) throws IOException {
    int want = dst.remaining();
    if (raw.readUpTo(dst, g.tailSlotOffset(slot)) < want) {
      throw new DamagedFileException(
          path.toString(),
          -1,
          "raw file ends inside tail slot " + slot + ": it was cut short while open here");
    }
  }
}
