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
  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final int blockSize;
  private final SealedBlocks blocks;

  /** Reads of a run that failed authentication while another program writes the file. */
  private static final int TORN_READ_ATTEMPTS = 3;

  private static final long TORN_READ_PAUSE_NANOS = 200_000;

  /** Cleartext bytes per slice of a long run (see {@link #readShared}); tests lower it. */
  static final String SLICE_PROPERTY = "encryptedfs.crypto.readSliceBytes";

  private static final int SLICE_BYTES = Math.max(1, Integer.getInteger(SLICE_PROPERTY, 64 * 1024));

  /** Slices a shared run is cut into at least, so that the threads end close together. */
  private static final int MIN_SLICES = 4;

  volatile IntegrityListener integrity = IntegrityListener.NONE;

  HomeBlockReader(FileName path, RawFile raw, Geometry g, SealedBlocks blocks) {
    this.path = path;
    this.raw = raw;
    this.g = g;
    this.blockSize = g.blockSize();
    this.blocks = blocks;
  }

  /**
   * Opens home blocks {@code first..last}, copying cleartext {@code [p, end)} within them to {@code
   * dst}; returns the cleartext position after the last byte copied. A long run is opened by
   * several threads (see {@link BlockWork}); a bad block is reported only after every chunk ends,
   * and it is always the first bad one, as a serial read would report it.
   */
  long read(long first, long last, long p, long end, ByteBuffer dst) throws IOException {
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
        Uninterrupted.park(TORN_READ_PAUSE_NANOS);
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
    int dstStart = dst.position();
    long stop = Math.min(end, g.blockStart(last) + blockSize);
    ReadScratch scratch = ReadScratch.take();
    try {
      if (count == 1 && !openableInto(dst, first, p, stop)) {
        readPart(scratch.lastOpened(), first, p, stop, dst, dstStart);
      } else {
        ByteBuffer sealed = scratch.sealed(count * g.sealedBlockSize());
        if (BlockWork.worthSharing(count, blockSize)) {
          readShared(first, count, sealed, p, stop, dst, dstStart);
        } else {
          int got = raw.readUpTo(sealed, g.homeOffset(first));
          sealed.flip();
          openInto(first, 0, count - 1, got, sealed, p, stop, dst, dstStart);
        }
      }
      dst.position(dstStart + (int) (stop - p));
      return stop;
    } finally {
      ReadScratch.give(scratch);
    }
  }

  /**
   * Reads and opens a long run in slices, each slice read and opened by whichever thread claims it
   * (this one or a crypto helper, see {@link BlockWork}): the threads read and open at the same
   * time, and each opens bytes it has just read itself (likely still in its core's cache; a
   * pipeline in which this thread read every slice and the helpers opened them was slower in some
   * phases of the host than no pipeline at all, see RESULTS.md session 26). A slice is at most
   * {@link #SLICE_BYTES} of cleartext and a run has at least {@link #MIN_SLICES}, so a 64 KiB read
   * is shared too. Reads, unlike writes, need no order among themselves; a helper's read is made as
   * another reader's would be, and a failed one is reported to this thread as the run's first
   * failure.
   */
  private void readShared(
      long first, int count, ByteBuffer sealed, long p, long stop, ByteBuffer dst, int dstStart)
      throws IOException {
    int sealedSize = g.sealedBlockSize();
    int sliceBlocks =
        Math.max(1, Math.min(SLICE_BYTES / blockSize, (count + MIN_SLICES - 1) / MIN_SLICES));
    int slices = (count + sliceBlocks - 1) / sliceBlocks;
    // Each worker moves positions and limits, so each helper gets views of its own, made here
    // before any thread moves them; this thread uses the buffers themselves.
    ByteBuffer[] sealedViews = BlockWork.views(sealed);
    ByteBuffer[] dstViews = BlockWork.views(dst);
    BlockWork.run(
        slices,
        (s, w) -> {
          int from = s * sliceBlocks;
          int to = Math.min(count, from + sliceBlocks) - 1;
          ByteBuffer in = sealedViews[w];
          in.limit((to + 1) * sealedSize).position(from * sealedSize);
          int got = from * sealedSize + raw.readUpTo(in, g.homeOffset(first + from));
          openInto(first, from, to, got, in, p, stop, dstViews[w], dstStart);
        });
  }

  /**
   * Opens blocks {@code first+from .. first+to} into their part of {@code [p, stop)} in {@code
   * dst}, whose position and limit it moves and restores. A block the read covers whole is opened
   * straight into a heap {@code dst}, saving a copy; others go through a scratch buffer.
   */
  private void openInto(
      long first,
      int from,
      int to,
      int got,
      ByteBuffer sealed,
      long p,
      long stop,
      ByteBuffer dst,
      int dstStart)
      throws IOException {
    int position = dst.position();
    int limit = dst.limit();
    try {
      for (int i = from; i <= to; i++) {
        long index = first + i;
        int at = i * g.sealedBlockSize();
        if (got < at + g.sealedBlockSize()) {
          throw endsInside(index);
        }
        sealed.limit(at + g.sealedBlockSize()).position(at);
        long start = g.blockStart(index);
        if (openableInto(dst, index, p, stop)) {
          int into = dstStart + (int) (start - p);
          dst.limit(into + blockSize).position(into);
          open(index, sealed, dst);
          dst.limit(limit); // the absolute puts below check against the limit
        } else {
          ReadScratch scratch = ReadScratch.take();
          try {
            byte[] plain = openedPart(scratch.lastOpened(), index, sealed);
            long copyFrom = Math.max(p, start);
            long copyTo = Math.min(stop, start + blockSize);
            dst.put(
                dstStart + (int) (copyFrom - p),
                plain,
                (int) (copyFrom - start),
                (int) (copyTo - copyFrom));
          } finally {
            ReadScratch.give(scratch);
          }
        }
      }
    } finally {
      dst.limit(limit).position(position);
    }
  }

  /** Whether a read of {@code [p, stop)} into {@code dst} covers block {@code index} whole. */
  private boolean openableInto(ByteBuffer dst, long index, long p, long stop) {
    long start = g.blockStart(index);
    return dst.hasArray() && p <= start && start + blockSize <= stop;
  }

  /**
   * Reads {@code [p, stop)}, part of block {@code index}, into {@code dst} at {@code dstStart}: the
   * read most worth keeping the block for (see {@link LastOpenedBlock}), whose unit is read into
   * the spare buffer so that keeping it costs no copy.
   */
  private void readPart(
      LastOpenedBlock last, long index, long p, long stop, ByteBuffer dst, int dstStart)
      throws IOException {
    ByteBuffer unit = readUnit(index, last.spare(g.sealedBlockSize()));
    byte[] plain = openedPart(last, index, unit);
    dst.put(dstStart, plain, (int) (p - g.blockStart(index)), (int) (stop - p));
  }

  /**
   * The cleartext of block {@code index}, which a read wants in part, from its sealed unit (the
   * remaining bytes of {@code sealed}): the block {@code last} kept if these are the bytes it was
   * opened from, else opened now and kept.
   */
  private byte[] openedPart(LastOpenedBlock last, long index, ByteBuffer sealed)
      throws DamagedFileException {
    byte[] kept = last.cleartext(blocks.id(), index, sealed);
    if (kept != null) {
      return kept;
    }
    int unitAt = sealed.position();
    ByteBuffer plain = last.openInto(blockSize);
    open(index, sealed, plain);
    last.keep(blocks.id(), index, sealed.position(unitAt));
    return plain.array();
  }

  /**
   * Opens one block into {@code out} (a heap buffer with {@code blockSize} bytes remaining). On
   * failure those bytes are zeroed before the exception leaves: the JCE may have written cleartext
   * there before it checked the tag.
   */
  private void open(long index, ByteBuffer sealed, ByteBuffer out) throws DamagedFileException {
    int at = out.arrayOffset() + out.position();
    try {
      blocks.openHome(index, sealed, out);
    } catch (GeneralSecurityException e) {
      Arrays.fill(out.array(), at, at + blockSize, (byte) 0);
      DamagedFileException damaged =
          new DamagedFileException(path.toString(), index, blockSize, "failed authentication");
      damaged.initCause(e);
      throw damaged;
    }
  }

  void readOne(long index, ByteBuffer plain) throws IOException {
    ReadScratch scratch = ReadScratch.take();
    try {
      ByteBuffer sealed = readUnit(index, scratch.sealed(g.sealedBlockSize()));
      plain.clear();
      open(index, sealed, plain);
    } catch (DamagedFileException e) {
      throw reported(e);
    } finally {
      ReadScratch.give(scratch);
    }
  }

  /** Reads home block {@code index}'s sealed unit into {@code unit} (cleared), flipped. */
  private ByteBuffer readUnit(long index, ByteBuffer unit) throws IOException {
    if (raw.readUpTo(unit, g.homeOffset(index)) < g.sealedBlockSize()) {
      throw endsInside(index);
    }
    return unit.flip();
  }

  private DamagedFileException endsInside(long index) {
    return new DamagedFileException(
        path.toString(), index, blockSize, "raw file ends inside this block");
  }

  /** {@code e}, once the integrity listener heard of it if a block failed authentication. */
  private DamagedFileException reported(DamagedFileException e) {
    if (e.getCause() instanceof GeneralSecurityException) {
      integrity.contentDamaged(path.toString(), e.block(), "failed authentication");
    }
    return e;
  }
}
