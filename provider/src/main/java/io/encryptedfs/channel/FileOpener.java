package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.crypto.SecretKey;

/**
 * Turns an open underlying channel into an {@link OpenFile}: makes a new file, or loads an existing
 * one (waiting for another program that is creating it), in the write mode and with the integrity
 * listener {@link OpenFiles} was given. Takes no lock: it is called outside {@link FileRegistry}'s
 * monitor, with the file in its table as loading.
 */
final class FileOpener {
  /** How long an open waits for another program that is creating the file. */
  static final long CREATOR_WAIT_MS = 1000;

  private final FileLoader loader;
  private final SecureRandom random;
  private final FlushTimer flushTimer = new FlushTimer();
  private final Consumer<OpenFile> keptTailTried;
  volatile WriteMode writeMode = WriteMode.WRITE_THROUGH;
  volatile IntegrityListener integrity = IntegrityListener.NONE;

  /**
   * @param keptTailTried told each time the timer tried to write the buffered tail that a failed
   *     close kept (see {@link OpenFile#onKeptTailTried})
   */
  FileOpener(FileLoader loader, SecureRandom random, Consumer<OpenFile> keptTailTried) {
    this.loader = loader;
    this.random = random;
    this.keptTailTried = keptTailTried;
  }

  /**
   * Makes the new, empty file {@code raw}: its keys and header (not forced here: the caller forces
   * it, see {@link OpenFiles#newFileChannel}).
   */
  OpenFile make(RawFile raw, NewFilePolicy policy, SecretKey master, String displayPath)
      throws IOException {
    try {
      OpenFile file =
          newOpenFile(displayPath, raw, loader.create(raw, policy, master, displayPath));
      file.reportIntegrityTo(integrity);
      return file;
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** Whether another program holds the file's writer lock (a probe failure joins {@code e}). */
  private static boolean creatorAt(RawFile raw, DamagedFileException e) {
    try {
      return raw.writerBusy();
    } catch (IOException probe) {
      e.addSuppressed(probe);
      return false;
    }
  }

  /**
   * Whether {@code raw} is empty and was made within {@link #CREATOR_WAIT_MS}: a creator makes the
   * underlying file before it can lock it, so in that instant (longer if its thread is descheduled
   * or its program pauses) another program finds an empty file that no one holds, which a crash in
   * a creation leaves too. A failure to tell joins {@code e}.
   */
  private static boolean justMade(RawFile raw, DamagedFileException e) {
    try {
      long modified = raw.lastModified();
      return raw.size() == 0
          && modified >= 0
          && System.currentTimeMillis() - modified < CREATOR_WAIT_MS;
    } catch (IOException look) {
      e.addSuppressed(look);
      return false;
    }
  }

  /**
   * Loads an existing file, whose raw channel this takes over (closed on failure). A file that
   * another program is creating at this instant looks damaged until its front region is whole; it
   * holds the writer lock from before its header was written, so while that lock is busy, or the
   * file is empty and new ({@link #justMade}), the load is retried, for up to {@link
   * #CREATOR_WAIT_MS}: two programs that create one file at once both open it, as on a plain file
   * system.
   */
  OpenFile load(RawFile raw, String displayPath) throws IOException {
    return load(raw, displayPath, null);
  }

  /**
   * As {@link #load(RawFile, String)}; and where the open may create the file ({@code remake} not
   * null), what a crash in the open creating it leaves ({@link CreationRemains}: an empty raw file,
   * or one a process kill cut short between the creation's two writes) that no creator holds is
   * made a new file, as a creating open on a plain file system opens the empty file such a crash
   * leaves there. It holds nothing to lose, and without this every write of its name would fail.
   */
  OpenFile load(RawFile raw, String displayPath, NewFileSource remake) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CREATOR_WAIT_MS);
    boolean lookedAgain = false;
    try {
      while (true) {
        try {
          OpenFile file = newOpenFile(displayPath, raw, loader.load(raw, displayPath));
          file.reportIntegrityTo(integrity);
          return file;
        } catch (DamagedFileException e) {
          // Probed first: telling remains reads and authenticates the header, and while a creator
          // holds the lock its answer could not be used, on every poll of the wait.
          boolean creator =
              creatorAt(raw, e) || (System.nanoTime() - deadline < 0 && justMade(raw, e));
          if (remake != null && !creator && loader.creationRemains(raw) != null) {
            OpenFile made = remakeRemains(raw, displayPath, remake);
            if (made != null) {
              return made;
            }
            // Another program claimed the file meanwhile, or it changed: probe again.
            creator = creatorAt(raw, e);
          }
          if (System.nanoTime() - deadline >= 0) {
            throw e;
          }
          if (!creator) {
            // A creator that finished between the load and the probe has left a whole file, and
            // let its lock go: one more look tells it from damage.
            if (lookedAgain) {
              throw e;
            }
            lookedAgain = true;
            continue;
          }
          Uninterrupted.park(TimeUnit.MILLISECONDS.toNanos(1));
        }
      }
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Makes {@code raw}, which an interrupted creation left, a new file once this file holds its
   * writer lock and it is still what that creation left, as a creator makes the file it created;
   * null if another holds the lock (a creator at work: the caller waits for it) or the file changed
   * meanwhile (load it).
   */
  private OpenFile remakeRemains(RawFile raw, String displayPath, NewFileSource remake)
      throws IOException {
    // Asked before the lock is taken: it may read the keystore again, and another program that
    // opens the file meanwhile waits for its header only so long.
    NewFile made = remake.newFile();
    if (raw.claimWriter() == RawFile.Claim.BUSY) {
      return null;
    }
    String remains = loader.creationRemains(raw);
    if (remains == null) {
      raw.releaseWriter();
      return null;
    }
    if (raw.size() != 0) {
      // The new file's front region may be smaller than the one cut short: no byte of the old
      // file may stay past it. A crash right after this leaves an empty file, remade as well.
      raw.truncate(0);
    }
    OpenFile file =
        newOpenFile(
            displayPath, raw, loader.create(raw, made.policy(), made.master(), displayPath));
    try {
      file.reportIntegrityTo(integrity);
      // Audited as damage: the creating open that meets it cannot tell a crash from someone who
      // truncated the file, whose content is gone either way, and a record of it must stay.
      integrity.contentDamaged(
          displayPath,
          -1,
          displayPath + ": " + remains + "; a creating open made it a new, empty file");
      if (made.sync()) {
        file.force(false);
      }
      return file;
    } catch (IOException | RuntimeException e) {
      // No channel has the file, and the caller only closes the raw file: dropping it here is what
      // wipes its keys.
      try {
        file.drop();
      } catch (IOException | RuntimeException dropped) {
        e.addSuppressed(dropped);
      }
      throw e;
    }
  }

  /** What a creating open would make a new file with, asked only when it makes one. */
  interface NewFileSource {
    NewFile newFile() throws IOException;
  }

  /**
   * A new file's policy and the master key that wraps its data key; {@code sync}: force it, as a
   * creating open does with {@code create.sync}.
   */
  record NewFile(NewFilePolicy policy, SecretKey master, boolean sync) {
    /** Without the master key: a {@code SecretKeySpec} prints a hash of its bytes. */
    @Override
    public String toString() {
      return "NewFile[policy=" + policy + ", master=<hidden>, sync=" + sync + "]";
    }
  }

  /**
   * Tells the integrity listener why a file did not load, if it was a key or content failure.
   * Called with no file of the table loading for this thread: the listener may open files.
   */
  void reportLoadFailure(Exception e, String displayPath) {
    if (e instanceof KeyMismatchException mismatch) {
      integrity.keyUnwrapFailed(displayPath, mismatch.alias());
    } else if (e instanceof DamagedFileException damaged) {
      integrity.contentDamaged(displayPath, damaged.block(), damaged.getMessage());
    }
  }

  /**
   * Tells the integrity listener (the audit trail) that a file opened with one header slot failing
   * authentication: a crash tearing a header write does that, and so does someone undoing the
   * file's most recent force (FORMAT.md section 7, item 4), which the reader cannot tell apart.
   * Called as {@link #reportLoadFailure} is.
   */
  void reportHeaderDamage(String displayPath, String reason) {
    integrity.contentDamaged(displayPath, -1, reason);
  }

  /**
   * An open file on the keys {@code loaded} holds; they are destroyed if it cannot be made, as
   * nothing else would wipe them.
   */
  private OpenFile newOpenFile(String displayPath, RawFile raw, LoadedFile loaded) {
    try {
      return openFileOf(displayPath, raw, loaded);
    } catch (RuntimeException e) {
      loaded.keys().destroy();
      throw e;
    }
  }

  private OpenFile openFileOf(String displayPath, RawFile raw, LoadedFile loaded) {
    WriteMode mode = writeMode;
    OpenFile file =
        new OpenFile(displayPath, raw, loaded, random, mode, mode.buffered() ? flushTimer : null);
    file.followOthersWith(loader::load);
    file.onKeptTailTried(() -> keptTailTried.accept(file));
    return file;
  }

  /** Stops the timer that flushes buffered tails; called when the file system closes. */
  void shutdown() {
    flushTimer.shutdown();
  }
}
