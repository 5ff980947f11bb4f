package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Reads and authenticates home blocks of one file into per-thread scratch buffers, releasing
 * cleartext only after a block's tag verifies. Safe for concurrent readers; the caller holds the
 * file's read or write lock.
 */
final class HomeBlockReader {
  private final String path;
  private final RawFile raw;
  private final Geometry g;
  private final int blockSize;
  private final SealedBlocks blocks;
  volatile IntegrityListener integrity = IntegrityListener.NONE;

  HomeBlockReader(String path, RawFile raw, Geometry g, SealedBlocks blocks) {
    this.path = path;
    this.raw = raw;
    this.g = g;
    this.blockSize = g.blockSize();
    this.blocks = blocks;
  }

  /** Opens home blocks {@code first..last}, copying cleartext {@code [p, end)} within them. */
  long read(long first, long last, long p, long end, ByteBuffer dst)
      throws IOException {
    ReadScratch scratch = ReadScratch.get();
    int count = (int) (last - first + 1);
    ByteBuffer sealed = scratch.sealed(count * g.sealedBlockSize());
    int got = raw.readUpTo(sealed, g.homeOffset(first));
    sealed.flip();
    ByteBuffer plain = scratch.plain(blockSize);
    for (long index = first; index <= last; index++) {
      int at = (int) (index - first) * g.sealedBlockSize();
      if (got < at + g.sealedBlockSize()) {
        throw new DamagedFileException(path, index, "raw file ends inside this block");
      }
      sealed.limit(at + g.sealedBlockSize()).position(at);
      plain.clear();
      open(index, sealed, plain);
      int off = index == g.blockIndex(p) ? g.offsetInBlock(p) : 0;
      int len = (int) Math.min(blockSize - off, end - p);
      dst.put(plain.array(), off, len);
      p += len;
    }
    return p;
  }

  private void open(long index, ByteBuffer sealed, ByteBuffer plain)
      throws DamagedFileException {
    try {
      blocks.openHome(index, sealed, plain);
    } catch (GeneralSecurityException e) {
      Arrays.fill(plain.array(), (byte) 0);
      DamagedFileException damaged = new DamagedFileException(path, index, "failed authentication");
      damaged.initCause(e);
      integrity.contentDamaged(path, index, "failed authentication");
      throw damaged;
    }
  }

  void readOne(long index, ByteBuffer plain) throws IOException {
    ByteBuffer sealed = ReadScratch.get().sealed(g.sealedBlockSize());
    if (raw.readUpTo(sealed, g.homeOffset(index)) < g.sealedBlockSize()) {
      throw new DamagedFileException(path, index, "raw file ends inside this block");
    }
    sealed.flip();
    plain.clear();
    open(index, sealed, plain);
  }
}
