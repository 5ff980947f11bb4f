package io.encryptedfs.faults;

/**
 * Simulated free space. Every byte written through the fault file system consumes one byte,
 * overwrites included; truncation and deletion free nothing. This is a write budget rather than a
 * model of block allocation: it makes "fail at the k-th byte" exact and deterministic.
 */
final class SpaceBudget {
  /** How many bytes a write may go ahead with, and whether it fails after writing them. */
  record Grant(int bytes, boolean fails) {}

  private long remaining = Long.MAX_VALUE;
  private DiskFullMode mode = DiskFullMode.FAIL_WITHOUT_WRITING;
  private long written;
  private long refused;

  synchronized void limit(long bytes, DiskFullMode newMode) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative capacity " + bytes);
    }
    remaining = bytes;
    mode = newMode;
  }

  synchronized void unlimited() {
    remaining = Long.MAX_VALUE;
  }

  synchronized long written() {
    return written;
  }

  synchronized long refused() {
    return refused;
  }

  /** Reserves space for a write of {@code wanted} bytes; settle it with {@link #settle}. */
  synchronized Grant reserve(int wanted) {
    if (wanted <= remaining) {
      remaining -= wanted;
      return new Grant(wanted, false);
    }
    int fits = (int) remaining;
    refused++;
    switch (mode) {
      case FAIL_WITHOUT_WRITING:
        return new Grant(0, true);
      case WRITE_PREFIX_THEN_FAIL:
        remaining = 0;
        return new Grant(fits, true);
      case SHORT_WRITE:
        remaining = 0;
        return new Grant(fits, fits == 0);
      default:
        throw new AssertionError(mode);
    }
  }

  /** Returns the part of {@code grant} that was not written. */
  synchronized void settle(Grant grant, int actuallyWritten) {
    if (remaining != Long.MAX_VALUE) {
      remaining += grant.bytes() - actuallyWritten;
    }
    written += actuallyWritten;
  }
}
