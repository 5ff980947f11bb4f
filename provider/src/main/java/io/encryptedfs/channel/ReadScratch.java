package io.encryptedfs.channel;

import java.nio.ByteBuffer;

/** Per-thread buffers for reads, which run concurrently under a file's read lock. */
final class ReadScratch {
  private static final ThreadLocal<ReadScratch> PER_THREAD = ThreadLocal.withInitial(ReadScratch::new);

  private ByteBuffer sealed = ByteBuffer.allocate(0);
  private ByteBuffer plain = ByteBuffer.allocate(0);

  static ReadScratch get() {
    return PER_THREAD.get();
  }

  /** A cleared buffer of at least {@code size} bytes for sealed blocks, limited to {@code size}. */
  ByteBuffer sealed(int size) {
    if (sealed.capacity() < size) {
      sealed = ByteBuffer.allocate(size);
    }
    sealed.clear().limit(size);
    return sealed;
  }

  /** A cleared buffer of at least {@code size} bytes for one block's cleartext. */
  ByteBuffer plain(int size) {
    if (plain.capacity() < size) {
      plain = ByteBuffer.allocate(size);
    }
    plain.clear().limit(size);
    return plain;
  }
}
