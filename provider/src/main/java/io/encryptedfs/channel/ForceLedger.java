package io.encryptedfs.channel;

/**
 * What one open file's writes and forces leave owed, so that the file system's close forces the
 * files a session wrote and no later force covered, and no others. A force runs its {@code fsync}
 * without the file's lock, so it counts writes: one that lands while the {@code fsync} runs may not
 * be covered, and leaves the file owed. Synchronized: writes change it under the file's write lock,
 * but a force ends, and a closing channel asks for the debt, under its read lock.
 */
final class ForceLedger {
  /** What a session leaves the file system's close to do about forcing this file. */
  enum Debt {
    /** Written since its last force: the file system's close must force it. */
    OWED,
    /** Forced while open, which made every earlier session's writes durable too. */
    PAID,
    /** Neither: whatever an earlier session owed is still owed. */
    UNCHANGED
  }

  private boolean writtenSinceForce;
  private long writes; // counts writes, so a force can tell whether one landed while it ran
  private boolean forcedWhileOpen;

  /** Something was handed to the underlying file. */
  synchronized void written() {
    writtenSinceForce = true;
    writes++;
  }

  /** A force begins, its {@code fsync} to run without the lock; see {@link #forced}. */
  synchronized long beginForce() {
    return writes;
  }

  /**
   * The force that {@link #beginForce} returned {@code writesBefore} to succeeded, and the file is
   * still open: it covered every write before it, and this session's debt is paid unless a write
   * landed while its {@code fsync} ran.
   */
  synchronized void forced(long writesBefore) {
    if (writes == writesBefore) {
      writtenSinceForce = false;
    }
    forcedWhileOpen = true;
  }

  synchronized Debt debt() {
    if (writtenSinceForce) {
      return Debt.OWED;
    }
    return forcedWhileOpen ? Debt.PAID : Debt.UNCHANGED;
  }
}
