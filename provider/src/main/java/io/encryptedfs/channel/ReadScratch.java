package io.encryptedfs.channel;

import io.encryptedfs.crypto.ThreadCache;
import java.nio.ByteBuffer;

/**
 * Per-thread buffers for block work: reads run concurrently under a file's read lock, and the
 * chunks of a long read or write run on several threads at once (see {@link BlockWork}).
 */
final class ReadScratch {
  private static final ThreadCache<ReadScratch> PER_THREAD = ThreadCache.of(ReadScratch::new);

  private ByteBuffer sealed = ByteBuffer.allocate(0);
  private ByteBuffer block = ByteBuffer.allocate(0);
  private final LastOpenedBlock lastOpened = new LastOpenedBlock();

  /**
   * This thread's buffers, until {@link #give}: the caller gives them back in a {@code finally}.
   */
  static ReadScratch take() {
    return PER_THREAD.take();
  }

  static void give(ReadScratch scratch) {
    PER_THREAD.give(scratch);
  }

  /** A cleared buffer of at least {@code size} bytes for sealed blocks, limited to {@code size}. */
  ByteBuffer sealed(int size) {
    if (sealed.capacity() < size) {
      sealed = ByteBuffer.allocate(size);
    }
    sealed.clear().limit(size);
    return sealed;
  }

  /** The block this thread last opened for a read of part of it. */
  LastOpenedBlock lastOpened() {
    return lastOpened;
  }

  /** A cleared buffer of at least {@code size} bytes for a block being written, limited to it. */
  ByteBuffer block(int size) {
    if (block.capacity() < size) {
      block = ByteBuffer.allocate(size);
    }
    block.clear().limit(size);
    return block;
  }
}
