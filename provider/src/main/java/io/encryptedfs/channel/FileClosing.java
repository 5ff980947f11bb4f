package io.encryptedfs.channel;

import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Closes the files of a {@link FileRegistry}: a file when its last channel closes, a file that a
 * close kept open for a buffered tail once the timer wrote it or once its name no longer holds it
 * (deleted or replaced, by the program or another), and every file at the file system's close.
 * Takes no lock of its own: the registry's monitor guards the table's changes, which {@link
 * ClosingEntries} makes under it, and the closes themselves (which write the session's final tail
 * record and wait for the file's running reads and writes) run outside it, with the file's entry
 * closing so that an open of it waits, and then opens it anew.
 */
final class FileClosing {
  private static final System.Logger LOG = System.getLogger(FileClosing.class.getName());

  private final ClosingEntries entries;
  private final OpenChannels channels;

  FileClosing(ClosingEntries entries, OpenChannels channels) {
    this.entries = entries;
    this.channels = channels;
  }

  /** Called by a closing channel: the last one closes the file. */
  void release(EncryptedFileChannel channel, OpenFile file) throws IOException {
    // A channel the closing file system already let go of no longer counts towards its file.
    if (channels.untrack(channel)) {
      unref(file);
    }
  }

  /** Drops one user of {@code file}; the last one closes it. */
  void unref(OpenFile file) throws IOException {
    PathTable.Entry entry = entries.unref(file);
    if (entry != null) {
      closeLast(entry, file);
    }
  }

  /**
   * Closes {@code file}, whose entry is closing and has no channels. A close that keeps the file
   * open for a buffered tail it could not write ({@link OpenFile#close}) puts it back in the table
   * as open without channels: the next open of the file takes up its state, which is newer than the
   * disk's, and {@link #keptTailWritten} closes it once the timer has written the tail. A file
   * whose name was deleted is let go instead, and its close does not fail for what it could not
   * write.
   */
  private void closeLast(PathTable.Entry entry, OpenFile file) throws IOException {
    ForceLedger.Debt debt = ForceLedger.Debt.UNCHANGED;
    IOException failure = null;
    ClosingEntries.Closed outcome;
    try {
      debt = file.forceDebt();
      if (entries.forcedAtClose(entry) && debt != ForceLedger.Debt.PAID) {
        // No name the file system knows is left to owe its force at (PathTable.Entry#otherNames),
        // this session's or an earlier one's. The session's final tail record, written by the
        // close after the force, may be lost as any unforced record may: it holds what the
        // forced one does.
        forceBeforeClose(file);
      }
      file.close();
    } catch (IOException e) {
      failure = e;
    } finally {
      outcome = entries.closed(entry, file, debt);
      switch (outcome) {
        case WRITTEN -> keptTailWritten(file);
        case DELETED -> drop(List.of(entry));
        case GONE, GONE_UNNAMED, KEPT -> {}
      }
    }
    if (failure == null) {
      return;
    }
    if (outcome != ClosingEntries.Closed.GONE_UNNAMED && outcome != ClosingEntries.Closed.DELETED) {
      throw failure;
    }
    // Its name deleted (DELETE_ON_CLOSE, or a delete while open): what the close could not write,
    // nobody can read, so that its close fails no more than a plain channel's close does.
    LOG.log(
        System.Logger.Level.DEBUG,
        file.path() + ": closing the deleted file could not write: " + failure.getMessage());
  }

  /** Forces {@code file}; a failure closes it all the same, and is the close's failure. */
  private static void forceBeforeClose(OpenFile file) throws IOException {
    try {
      file.force(true);
    } catch (IOException e) {
      try {
        file.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Lets go of files kept for their buffered tails whose names the program deleted (their entries
   * closing): nothing can open them again, so their tails are not written, and no close reports
   * them lost (see {@link OpenFile#drop}). No caller is left to report a failure to.
   */
  void drop(List<PathTable.Entry> deleted) {
    for (PathTable.Entry entry : deleted) {
      try {
        entry.file.drop();
      } catch (IOException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            entry.file.path() + ": closing the deleted file failed: " + e.getMessage());
      } finally {
        entries.closed(entry, entry.file, ForceLedger.Debt.UNCHANGED);
      }
    }
  }

  /**
   * The timer tried to write the buffered tail that a failed close kept {@code file} open for: once
   * written, the file closes ({@link #keptTailWritten}); while it still waits, the file is let go
   * if its name no longer holds it, as when the program deletes it here ({@link #drop}): another
   * program deleted or replaced it, and the tail would otherwise be tried every second and reported
   * lost by the file system's close, for a file nobody can open again.
   */
  void keptTailTried(OpenFile file) {
    if (file.tailWaits()) {
      drop(entries.keptNameLost(file));
    } else {
      keptTailWritten(file);
    }
  }

  /**
   * The timer wrote the buffered tail that a failed close kept {@code file} open for: it closes
   * now, unless a channel opened it meanwhile (whose close closes it) or the file system's close
   * took it. No caller is left to report a failure of this close to; the tail is written already,
   * so what can still fail (the session's final record) a crash could leave undone too.
   */
  private void keptTailWritten(OpenFile file) {
    PathTable.Entry entry = entries.closeKept(file);
    if (entry == null) {
      return;
    }
    try {
      closeLast(entry, file);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          file.path() + ": closing after the delayed tail write failed: " + e.getMessage());
    }
  }

  /** Opens a file for the file system's close, which has refused every other open. */
  interface ForcingOpen {
    FileChannel open(Path rawPath, String displayPath) throws IOException;
  }

  /**
   * Forces every file written since its last force, open or already closed, then closes every open
   * file; returns the first failure, with the others suppressed, or null. It fails if a force
   * failed, including one that an earlier close of the file followed.
   *
   * @param reopen opens a closed file that still owes a force
   */
  IOException closeAll(ForcingOpen reopen) {
    IOException failure = null;
    List<PathTable.Entry> files = entries.closeBegins();
    for (EncryptedFileChannel channel : channels.takeAll()) {
      try {
        channel.close();
      } catch (IOException e) {
        failure = addFailure(failure, e);
      }
    }
    for (PathTable.Entry entry : files) {
      try {
        if (entry.keptNameLost()) {
          // As the timer would have at its next try (see keptTailTried): nothing is lost that
          // anybody can still read.
          entry.file.drop();
        } else {
          entry.file.closeForced();
        }
      } catch (IOException e) {
        failure = addFailure(failure, e);
      }
    }
    PathTable.Owed owed = entries.takeOwed();
    // A force that failed may have lost what it was to make durable (see RawFile), whatever a
    // later force reports (one made while the file was open, or before a delete or move took a
    // name of it: see OwedForce): the close is a durability point, so it says so.
    for (String path : owed.failedForces()) {
      failure =
          addFailure(
              failure,
              new SyncFailedException(
                  path
                      + ": a force of this file failed; what it was to make durable may have been"
                      + " lost"));
    }
    // Forcing through the file, not just the raw channel, also records the forced sequence in
    // the header, so a later reader detects a damaged newest tail record.
    for (Map.Entry<Path, String> e : owed.unforced().entrySet()) {
      try {
        // A failed fsync is reported here as it is thrown: there is no later try to warn of.
        IOException forcedOnly = OwedForce.force(e.getKey(), e.getValue(), reopen, () -> {});
        if (forcedOnly != null) {
          // Durable, but the file does not open as things stand (its key is gone, say).
          failure = addFailure(failure, forcedOnly);
        }
      } catch (IOException ex) {
        failure = addFailure(failure, ex);
      }
    }
    return failure;
  }

  private static IOException addFailure(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
