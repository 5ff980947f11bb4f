package io.encryptedfs.faults;

/** What a write that does not fit in the remaining space does. */
public enum DiskFullMode {
  /** Writes nothing and throws {@code IOException("No space left on device")}. */
  FAIL_WITHOUT_WRITING,
  /** Writes the bytes that fit, then throws; as a write loop over a short write would. */
  WRITE_PREFIX_THEN_FAIL,
  /**
   * Writes the bytes that fit and returns their count, as {@code write(2)} does; the next write
   * finds no space and throws. Catches callers that ignore the returned count.
   */
  SHORT_WRITE
}
