package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads and authenticates home blocks of one file into per-thread scratch buffers, releasing
 * cleartext only after a block's tag verifies. Safe for concurrent readers; the caller holds the
 * file's read or write lock.
 */
final class HomeBlockReader {
  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final int blockSize;
  private final SealedBlocks blocks;
  /** Reads of a run that failed authentication while another program writes the file. */
  private static final int TORN_READ_ATTEMPTS = 3;

  private static final long TORN_READ_PAUSE_NANOS = 200_000;

  volatile IntegrityListener integrity = IntegrityListener.NONE;

  HomeBlockReader(FileName path, RawFile raw, Geometry g, SealedBlocks blocks) {
    this.path = path;
    this.raw = raw;
    this.g = g;
    this.blockSize = g.blockSize();
    this.blocks = blocks;
  }

  /**
   * Opens home blocks {@code first..last}, copying cleartext {@code [p, end)} within them to
   * {@code dst}; returns the cleartext position after the last byte copied. A long run is opened by
   * several threads (see {@link BlockWork}); a bad block is reported only after every chunk ends,
   * and it is always the first bad one, as a serial read would report it.
   */
  long read(long first, long last, long p, long end, ByteBuffer dst)
      throws IOException {
    int dstStart = dst.position();
    for (int attempt = 1; ; attempt++) {
      try {
        return readOnce(first, last, p, end, dst);
      } catch (DamagedFileException e) {
        if (e.block() < 0 || attempt == TORN_READ_ATTEMPTS || !anotherWriter()) {
          throw reported(e);
        }
        // Another program writes this file: the block may have been read in the middle of its
        // overwrite in place (a torn read, not damage). The failed block's bytes in dst are
        // zeroed; read the run again.
        dst.position(dstStart);
        LockSupport.parkNanos(TORN_READ_PAUSE_NANOS);
      }
    }
  }

  /** Whether a program other than this one holds the file's writer lock (see WriterClaim). */
  private boolean anotherWriter() {
    try {
      return !raw.writerHeld() && raw.writerBusy();
    } catch (IOException e) {
      return false;
    }
  }

  private long readOnce(long first, long last, long p, long end, ByteBuffer dst)
      throws IOException {
    int count = (int) (last - first + 1);
    ByteBuffer sealed = ReadScratch.get().sealed(count * g.sealedBlockSize());
    int got = raw.readUpTo(sealed, g.homeOffset(first));
    sealed.flip();
    int dstStart = dst.position();
    long stop = Math.min(end, g.blockStart(last) + blockSize);
    if (BlockWork.worthSharing(count, blockSize)) {
      // openInto moves positions and limits, so each helper gets views of its own, made here
      // before any thread moves them; the caller uses the buffers themselves.
      ByteBuffer[] sealedViews = BlockWork.views(sealed);
      ByteBuffer[] dstViews = BlockWork.views(dst);
      BlockWork.run(
          count,
          (i, w) -> openInto(first, i, i, got, sealedViews[w], p, stop, dstViews[w], dstStart));
    } else {
      openInto(first, 0, count - 1, got, sealed, p, stop, dst, dstStart);
    }
    dst.position(dstStart + (int) (stop - p));
    return stop;
  }

  /**
   * Opens blocks {@code first+from .. first+to} into their part of {@code [p, stop)} in {@code
   * dst}, whose position and limit it moves and restores. A block the read covers whole is opened
   * straight into a heap {@code dst}, saving a copy; others go through a scratch buffer.
   */
  private void openInto(
      long first, int from, int to, int got, ByteBuffer sealed, long p, long stop, ByteBuffer dst,
      int dstStart)
      throws IOException {
    int position = dst.position();
    int limit = dst.limit();
    try {
      for (int i = from; i <= to; i++) {
        long index = first + i;
        int at = i * g.sealedBlockSize();
        if (got < at + g.sealedBlockSize()) {
          throw new DamagedFileException(path.toString(), index, "raw file ends inside this block");
        }
        sealed.limit(at + g.sealedBlockSize()).position(at);
        long start = g.blockStart(index);
        if (dst.hasArray() && p <= start && start + blockSize <= stop) {
          int into = dstStart + (int) (start - p);
          dst.limit(into + blockSize).position(into);
          open(index, sealed, dst);
          dst.limit(limit); // the absolute puts below check against the limit
        } else {
          ByteBuffer plain = ReadScratch.get().plain(blockSize);
          open(index, sealed, plain);
          long copyFrom = Math.max(p, start);
          long copyTo = Math.min(stop, start + blockSize);
          dst.put(
              dstStart + (int) (copyFrom - p),
              plain.array(),
              (int) (copyFrom - start),
              (int) (copyTo - copyFrom));
        }
      }
    } finally {
      dst.limit(limit).position(position);
    }
  }

  /**
   * Opens one block into {@code out} (a heap buffer with {@code blockSize} bytes remaining). On
   * failure those bytes are zeroed before the exception leaves: the JCE may have written
   * cleartext there before it checked the tag.
   */
  private void open(long index, ByteBuffer sealed, ByteBuffer out)
      throws DamagedFileException {
    int at = out.arrayOffset() + out.position();
    try {
      blocks.openHome(index, sealed, out);
    } catch (GeneralSecurityException e) {
      Arrays.fill(out.array(), at, at + blockSize, (byte) 0);
      DamagedFileException damaged =
          new DamagedFileException(path.toString(), index, "failed authentication");
      damaged.initCause(e);
      throw damaged;
    }
  }

  void readOne(long index, ByteBuffer plain) throws IOException {
    ByteBuffer sealed = ReadScratch.get().sealed(g.sealedBlockSize());
    if (raw.readUpTo(sealed, g.homeOffset(index)) < g.sealedBlockSize()) {
      throw new DamagedFileException(path.toString(), index, "raw file ends inside this block");
    }
    sealed.flip();
    plain.clear();
    try {
      open(index, sealed, plain);
    } catch (DamagedFileException e) {
      throw reported(e);
    }
  }

  /** {@code e}, once the integrity listener heard of it if a block failed authentication. */
  private DamagedFileException reported(DamagedFileException e) {
    if (e.getCause() instanceof GeneralSecurityException) {
      integrity.contentDamaged(path.toString(), e.block(), "failed authentication");
    }
    return e;
  }
}
