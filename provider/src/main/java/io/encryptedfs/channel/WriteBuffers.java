package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;
import java.nio.ByteBuffer;

/**
 * The scratch buffers of one open file's writer, allocated on first use and reused, so the steady
 * write path allocates none. Guarded by the owning file's write lock.
 */
final class WriteBuffers {
  /** The encoded size of a tail record without cleartext. */
  static final int EMPTY_TAIL_RECORD = Geometry.TAIL_META_SIZE + Geometry.BLOCK_OVERHEAD;

  private final Geometry g;
  private ByteBuffer batch;
  private ByteBuffer tailOut;
  private ByteBuffer tailIn;
  private ByteBuffer otherTailIn;
  private ByteBuffer plainBlock;
  private byte[][] nonces = new byte[0][];

  WriteBuffers(Geometry g) {
    this.g = g;
  }

  /** A cleared buffer for {@code blocks} sealed home blocks, grown on demand. */
  ByteBuffer batch(int blocks) {
    int needed = blocks * g.sealedBlockSize();
    if (batch == null || batch.capacity() < needed) {
      batch = ByteBuffer.allocate(needed);
    }
    batch.clear();
    return batch;
  }

  /**
   * A buffer for one encoded tail slot holding {@code length} cleartext bytes: as small as an empty
   * record while the records are empty (a small file written in whole blocks, then closed, never
   * needs more), else a whole slot, kept from then on.
   */
  ByteBuffer tailOut(int length) {
    int needed = length == 0 ? EMPTY_TAIL_RECORD : g.tailSlotSize();
    if (tailOut == null || tailOut.capacity() < needed) {
      tailOut = ByteBuffer.allocate(needed);
    }
    return tailOut;
  }

  /**
   * The first {@code length} bytes of {@code tail}, the tail block's cleartext, as a buffer. The
   * view builds each new tail in a spare array and then swaps the two ({@link FileView#spareTail}),
   * so a wrapper is kept for each of the two arrays last seen.
   */
  ByteBuffer tailIn(byte[] tail, int length) {
    if (tailIn == null || tailIn.array() != tail) {
      ByteBuffer other = otherTailIn;
      otherTailIn = tailIn;
      tailIn = other != null && other.array() == tail ? other : ByteBuffer.wrap(tail);
    }
    tailIn.clear().limit(length);
    return tailIn;
  }

  /** A cleared buffer of exactly one block of cleartext. */
  ByteBuffer plainBlock() {
    if (plainBlock == null) {
      plainBlock = ByteBuffer.allocate(g.blockSize());
    }
    plainBlock.clear();
    return plainBlock;
  }

  /** {@code count} nonce buffers for one batch of home blocks, grown on demand. */
  byte[][] nonces(int count) {
    if (nonces.length < count) {
      nonces = new byte[count][Geometry.NONCE_SIZE];
    }
    return nonces;
  }
}
