package io.encryptedfs.channel;

import java.time.Duration;

/**
 * How writes reach the underlying file.
 *
 * <p>{@link #WRITE_THROUGH} (the default): when {@code write} returns, every sealed byte has been
 * handed to the underlying file, so a process crash loses nothing that returned.
 *
 * <p>Buffered: a write that stays inside the file's partial last block only updates that block in
 * memory; its tail record is written at the next {@code force}, close, a write that fills the
 * block, or when {@code bound} has passed since the first such write, whichever comes first. A
 * process crash can therefore lose the writes of the last {@code bound} to each file's partial last
 * block (never more than one block per file), but never anything a completed {@code force} covered:
 * the power-loss guarantees are those of write-through. While the underlying file refuses the
 * delayed write (an I/O error), the bound cannot hold: the write is tried again at growing
 * intervals of at most a second (or the bound, if longer) until it succeeds.
 *
 * @param buffered whether writes inside the partial last block may wait in memory
 * @param bound the longest such a write waits before it is handed to the underlying file
 */
public record WriteMode(boolean buffered, Duration bound) {
  public static final WriteMode WRITE_THROUGH = new WriteMode(false, Duration.ZERO);

  public WriteMode {
    if (buffered && (bound.isNegative() || bound.isZero() || bound.toMillis() > 60_000)) {
      throw new IllegalArgumentException("buffer bound must be 1 ms to 60 s, was " + bound);
    }
  }

  /** The buffered mode with the given bound. */
  public static WriteMode buffered(Duration bound) {
    return new WriteMode(true, bound);
  }
}
