package io.encryptedfs.channel;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The home block a thread last opened for a read that wanted only part of it, kept so that the
 * reads that follow into the same block (a stream read in 512-byte or 1 KiB calls, as {@code
 * GZIPInputStream} and Lucene's buffered inputs make them) need not open it again.
 *
 * <p>It saves the open, never the read: a reader still reads the sealed unit from the file, and the
 * cleartext kept is served only when those bytes are, byte for byte, the unit it was opened from,
 * for the same file's keys and id ({@link SealedBlocks#id()}) and the same index. Opening is a
 * function of exactly these (the key from the file's keys and the nonce, the associated data from
 * the file id and the index), so a hit returns what opening those bytes again would return, and
 * bytes changed on disk since (a write, a torn write, tampering, a unit moved in from another place
 * or file) are opened and authenticated as before. Comparing a whole unit is needed: a unit whose
 * ciphertext changed while its nonce and tag did not must fail as it would on opening.
 *
 * <p>A read of part of one block reads its unit into {@link #spare}, which then becomes the unit
 * kept at no copy; other units (the partial blocks at the ends of a longer run) are copied.
 *
 * <p>The cleartext stays in this buffer until the thread opens another block in part, as it stayed
 * in the thread's scratch buffer before; a failed open leaves nothing kept.
 */
final class LastOpenedBlock {
  private long owner = -1;
  private long index = -1;
  private ByteBuffer kept = ByteBuffer.allocate(0);
  private ByteBuffer spare = ByteBuffer.allocate(0);
  private ByteBuffer plain = ByteBuffer.allocate(0);

  /**
   * An array starting with the cleartext of home block {@code index} of the file whose blocks are
   * {@code owner}, if the remaining bytes of {@code sealed} are the unit it was opened from; null
   * otherwise. Moves nothing in {@code sealed}.
   */
  byte[] cleartext(long owner, long index, ByteBuffer sealed) {
    if (owner != this.owner || index != this.index || sealed.remaining() != kept.remaining()) {
      return null;
    }
    int from = sealed.arrayOffset() + sealed.position();
    int keptFrom = kept.arrayOffset() + kept.position();
    if (!Arrays.equals(
        kept.array(),
        keptFrom,
        keptFrom + kept.remaining(),
        sealed.array(),
        from,
        from + sealed.remaining())) {
      return null;
    }
    return plain.array();
  }

  /** A cleared buffer of {@code unitSize} bytes to read one sealed unit into. */
  ByteBuffer spare(int unitSize) {
    if (spare.capacity() < unitSize) {
      spare = ByteBuffer.allocate(unitSize);
    }
    spare.clear().limit(unitSize);
    return spare;
  }

  /** A cleared buffer of {@code blockSize} bytes to open a block into; forgets the block kept. */
  ByteBuffer openInto(int blockSize) {
    owner = -1;
    index = -1;
    if (plain.capacity() < blockSize) {
      plain = ByteBuffer.allocate(blockSize);
    }
    plain.clear().limit(blockSize);
    return plain;
  }

  /**
   * Keeps what {@link #openInto}'s buffer now holds as home block {@code index} of {@code owner},
   * opened from the remaining bytes of {@code sealed}, which this may take as they are (it moves
   * nothing in them; the caller no longer uses them). Call only once the block authenticated.
   */
  void keep(long owner, long index, ByteBuffer sealed) {
    if (sealed == spare) {
      spare = kept;
      kept = sealed;
    } else {
      int n = sealed.remaining();
      if (kept.capacity() < n) {
        kept = ByteBuffer.allocate(n);
      }
      kept.clear().limit(n);
      kept.put(0, sealed, sealed.position(), n);
    }
    this.owner = owner;
    this.index = index;
  }
}
