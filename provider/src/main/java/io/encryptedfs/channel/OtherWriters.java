package io.encryptedfs.channel;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.io.IOException;
import java.util.Arrays;

/**
 * What other writers of a file (other programs, or other encrypted file systems in this one; see
 * {@link WriterClaim}) mean for one open file's view of it. As a reader, the view follows their
 * changes, loaded again as a reader that reopened the file would see them. As a writer, the view
 * claims the writer lock before it writes, catches up with what was written before the claim, and
 * claims again when an interrupt had the underlying channel reopened since (the lock went with the
 * old channel for an instant).
 *
 * <p>Every method that loads the file again or claims it runs under the open file's write lock,
 * which is also what the {@link Adopter} needs; {@link #mayHaveChanged} needs no lock.
 */
final class OtherWriters {
  /** Takes the state of the file loaded again; false when it is another file's content. */
  interface Adopter {
    boolean adopt(LoadedFile fresh);
  }

  private final FileName path;
  private final RawFile raw;
  private final WriterClaim claim;
  private final TailSlots slots;
  private final FileHeaders headers;
  private final Adopter adopter;
  private volatile OpenFile.FrontLoader reloader;

  /** When another writer's changes were last looked for. */
  private final ModificationWatch followed = new ModificationWatch();

  /**
   * How many times the underlying channel had been reopened when this view last claimed the writer
   * lock (see {@link #confirm}). Written under the write lock, read under the read lock too.
   */
  private int claimedAtReopen;

  OtherWriters(
      FileName path,
      RawFile raw,
      WriterClaim claim,
      TailSlots slots,
      FileHeaders headers,
      Adopter adopter) {
    this.path = path;
    this.raw = raw;
    this.claim = claim;
    this.slots = slots;
    this.headers = headers;
    this.adopter = adopter;
  }

  /** From now on, follows what other writers write, loading the file again with {@code loader}. */
  void followWith(OpenFile.FrontLoader loader) {
    reloader = loader;
  }

  /** Whether this view follows other writers and does not hold the writer lock itself. */
  boolean following() {
    return reloader != null && !raw.writerHeld();
  }

  /**
   * The underlying file's modification time when another writer may have changed it since the last
   * look ({@link ModificationWatch}); {@link Long#MIN_VALUE} when there is nothing to look at.
   */
  long mayHaveChanged() throws IOException {
    if (!following()) {
      return Long.MIN_VALUE;
    }
    long modified = raw.lastModified();
    return followed.mayHaveChanged(modified) ? modified : Long.MIN_VALUE;
  }

  /**
   * Looks at the file, modified at {@code modified}: when its front region differs from this view,
   * loads it again and adopts it. A front region that does not load (another writer's write in
   * progress, damage, or a header now wrapped by a key this program lacks) leaves the view as it
   * was, which is authentic. Returns whether the view changed. Under the write lock.
   */
  boolean catchUp(long modified) throws IOException {
    followed.looking(modified, System.currentTimeMillis());
    if (claim.changeOnDisk(slots, headers) == null) {
      return false;
    }
    LoadedFile fresh;
    try {
      fresh = reloader.load(raw, path.toString());
    } catch (DamagedFileException | KeyMismatchException | UnknownKeyAliasException e) {
      // This view is still authentic, and its keys still open the blocks it names.
      return false;
    }
    if (fresh.record().sequence() < slots.latestSequence()) {
      // Records only grow newer, truncations included, so an older one was chosen the way a
      // crash is recovered from: the raw length was read before the writer added a block that
      // its newer records need. That state is past; the next look finds the writer's end.
      fresh.keys().destroy();
      Arrays.fill(fresh.tail(), (byte) 0);
      return false;
    }
    return adopter.adopt(fresh);
  }

  /**
   * Before this view's first write (truncation, rewrap) since it last held the writer lock: takes
   * the lock, and if another writer changed the file since this view was loaded, loads it again, so
   * the write lands where it would on a plain file. A file that no longer loads is reported as
   * such, and the lock given back. Under the write lock.
   */
  void claim() throws IOException {
    // Read first: a reopen during the claim is then seen again before the next record.
    claimedAtReopen = raw.reopens();
    String change = claim.claim(slots, headers);
    if (change == null) {
      return;
    }
    boolean caughtUp = false;
    try {
      OpenFile.FrontLoader loader = reloader;
      if (loader == null) {
        throw new ConcurrentWriterException(
            path.toString(), "another writer changed it since it was opened here (" + change + ")");
      }
      if (!adopter.adopt(loader.load(raw, path.toString()))) {
        throw new ConcurrentWriterException(
            path.toString(), "another file's content was put under its name (" + change + ")");
      }
      caughtUp = true;
    } finally {
      if (!caughtUp) {
        raw.releaseWriter();
      }
    }
  }

  /**
   * Before every write and every tail record: if an interrupt had the underlying channel reopened
   * since this view claimed the writer lock, the lock went with the old channel for an instant (or
   * for good, if another program took it then), and the write under way was begun on a view that
   * another writer may since have changed. The lock is claimed again and the front region compared;
   * a change fails the write before its record (its sequence would collide with the other writer's;
   * a buffered write would return and be lost at its record) and gives the lock back, so that the
   * next write loads the file again. Home blocks the failed write already put down stay, as the
   * bytes of a failed write on a plain file may. Under the write lock.
   */
  void confirm() throws IOException {
    int reopens = raw.reopens();
    if (reopens == claimedAtReopen) {
      return;
    }
    String change = claim.claim(slots, headers);
    if (change != null) {
      raw.releaseWriter();
      throw new ConcurrentWriterException(
          path.toString(),
          "another writer changed it while an interrupt had its underlying channel reopened ("
              + change
              + ")");
    }
    claimedAtReopen = reopens;
  }

  /**
   * Whether this view may write its header's forced sequence, which only the writer does. A reader
   * (a file system's close forces files already closed through one) claims the file only for that
   * and is told to let it go at once ({@link Claimed#LENT}), so that it does not hold off the
   * file's writers while it stays open. A writer whose channel an interrupt had reopened since its
   * claim checks the file first, as its next record would ({@link #confirm}). Under the read lock,
   * which forces alone (one at a time) claim under.
   */
  Claimed claimForHeader() throws IOException {
    boolean writer = raw.writerHeld();
    if (writer && raw.reopens() == claimedAtReopen) {
      return Claimed.HELD;
    }
    if (claim.tryClaim(slots, headers) != null) {
      return Claimed.REFUSED;
    }
    return writer ? Claimed.HELD : Claimed.LENT;
  }

  /** For a write that needs this exact view (see {@link WriterClaim#tryClaim}): may it go on? */
  boolean tryClaim() throws IOException {
    return claim.tryClaim(slots, headers) == null;
  }

  /** The outcome of {@link #claimForHeader}. */
  enum Claimed {
    /** Held by this view as the file's writer. */
    HELD,
    /** Taken only for this write: give it back after. */
    LENT,
    /** Another writer holds it, or changed the file since this view was loaded. */
    REFUSED
  }
}
