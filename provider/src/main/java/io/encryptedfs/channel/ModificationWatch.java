package io.encryptedfs.channel;

/**
 * When a reader of a file that another program may write must look at the file's front region
 * again: whenever the underlying file's modification time changed since its last look, and, while
 * it has not, until a look began long enough after the modification that no later change can share
 * its timestamp (the rule git uses for its index, and {@link SizeCache}). The time since the
 * modification alone is not enough: a change made just after a look, within the same clock tick,
 * leaves the timestamp as the look saw it.
 */
final class ModificationWatch {
  private volatile long lookedModified = Long.MIN_VALUE;
  private volatile long lookedAt;

  /**
   * Whether the file, modified at {@code modified} (milliseconds; negative when that cannot be
   * told: no name reaches the file now, and another program may still write it), may have changed
   * since the last look.
   */
  boolean mayHaveChanged(long modified) {
    return modified < 0
        || !(modified == lookedModified && lookedAt - modified > SizeCache.SETTLED_MILLIS);
  }

  /** A look at the file, modified at {@code modified}, begins at {@code now} (milliseconds). */
  void looking(long modified, long now) {
    lookedAt = now;
    lookedModified = modified;
  }
}
