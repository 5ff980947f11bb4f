package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Seals and writes runs of home blocks for one file's writer: the new cleartext of each block
 * (whole blocks straight from the caller's buffer, partial ones over their old content), sealed in
 * batches that may be spread over threads ({@link BlockWork}), each batch written once all of it is
 * sealed. Guarded by the owning file's write lock; the caller orders it against tail records.
 */
final class HomeBlockWriter {
  private final FileName path;
  private final RawFile raw;
  private final Geometry g;
  private final int blockSize;
  private final SealedBlocks blocks;
  private final HomeBlockReader homeReader;
  private final WriteBuffers buffers;
  private final int batchBlocks;

  /**
   * @param batchBlocks the most blocks one raw write carries
   */
  HomeBlockWriter(
      FileName path,
      RawFile raw,
      SealedBlocks blocks,
      HomeBlockReader homeReader,
      WriteBuffers buffers,
      int batchBlocks) {
    this.path = path;
    this.raw = raw;
    this.g = blocks.geometry();
    this.blockSize = g.blockSize();
    this.blocks = blocks;
    this.homeReader = homeReader;
    this.buffers = buffers;
    this.batchBlocks = batchBlocks;
  }

  /**
   * Seals and writes home blocks {@code from..to} (inclusive) in batches. The nonces of a batch are
   * drawn here, in order, under the write lock; the sealing itself may be spread over several
   * threads ({@link BlockWork}), and the batch is written only once every block in it is sealed.
   */
  void write(
      long from, long to, long oldSize, byte[] tail, ByteBuffer src, long pos, NonceSequence nonces)
      throws IOException {
    if (to < from) {
      return;
    }
    long end = pos + src.remaining();
    int base = src.position();
    ByteBuffer batch = buffers.batch((int) Math.min(batchBlocks, to - from + 1));
    for (long batchStart = from; batchStart <= to; batchStart += batchBlocks) {
      int count = (int) (Math.min(to, batchStart + batchBlocks - 1) - batchStart + 1);
      byte[][] batchNonces = buffers.nonces(count);
      for (int i = 0; i < count; i++) {
        nonces.next(batchNonces[i]);
      }
      long first = batchStart;
      // sealShare moves the positions and limits of the views it is given: each helper gets views
      // of its own, made here before any thread moves them, and src gets its bounds back after.
      int limit = src.limit();
      try {
        if (BlockWork.worthSharing(count, blockSize)) {
          ByteBuffer[] srcViews = BlockWork.views(src);
          ByteBuffer[] batchViews = BlockWork.views(batch);
          BlockWork.run(
              count,
              (i, w) ->
                  sealShare(
                      first,
                      i,
                      i,
                      oldSize,
                      tail,
                      srcViews[w],
                      base,
                      pos,
                      end,
                      batchViews[w],
                      batchNonces));
        } else {
          sealShare(first, 0, count - 1, oldSize, tail, src, base, pos, end, batch, batchNonces);
        }
      } finally {
        src.limit(limit).position(base);
      }
      batch.clear().limit(count * g.sealedBlockSize());
      raw.writeFully(batch, g.homeOffset(batchStart));
    }
  }

  /**
   * Seals blocks {@code first+a .. first+b} of a batch into their places in {@code out}, reading
   * the written bytes through {@code view}, a buffer of this chunk's own over the caller's bytes
   * (cleartext {@code pos} at index {@code base}), whose position and limit it moves.
   */
  private void sealShare(
      long first,
      int a,
      int b,
      long oldSize,
      byte[] tail,
      ByteBuffer view,
      int base,
      long pos,
      long end,
      ByteBuffer out,
      byte[][] batchNonces)
      throws IOException {
    ReadScratch mine = ReadScratch.take();
    try {
      ByteBuffer scratch = mine.block(blockSize);
      for (int i = a; i <= b; i++) {
        long index = first + i;
        ByteBuffer plain = plainBlock(index, oldSize, tail, view, base, pos, end, scratch);
        out.limit((i + 1) * g.sealedBlockSize()).position(i * g.sealedBlockSize());
        try {
          blocks.sealHome(index, plain, out, batchNonces[i]);
        } catch (GeneralSecurityException e) {
          throw new IOException(path + ": block " + index + ": cannot seal: " + e.getMessage(), e);
        }
      }
    } finally {
      ReadScratch.give(mine);
    }
  }

  /**
   * The new cleartext of block {@code index}: {@code view} set to the block's written bytes when
   * the write covers the whole block, otherwise the old content (home block, tail or zeros) with
   * the write laid over it in {@code scratch}.
   */
  private ByteBuffer plainBlock(
      long index,
      long oldSize,
      byte[] tail,
      ByteBuffer view,
      int base,
      long pos,
      long end,
      ByteBuffer scratch)
      throws IOException {
    long start = g.blockStart(index);
    if (pos <= start && start + blockSize <= end) {
      int at = base + (int) (start - pos);
      return view.limit(at + blockSize).position(at);
    }
    long oldBlocks = g.homeBlocks(oldSize);
    byte[] block = scratch.array();
    if (index < oldBlocks) {
      homeReader.readOne(index, scratch);
    } else if (index == oldBlocks) {
      int tailLength = g.tailLength(oldSize);
      System.arraycopy(tail, 0, block, 0, tailLength);
      Arrays.fill(block, tailLength, blockSize, (byte) 0);
    } else {
      Arrays.fill(block, (byte) 0);
    }
    view.limit(base + (int) (end - pos));
    overlay(block, blockSize, start, view, base, pos, end);
    return scratch.clear().limit(blockSize);
  }

  /**
   * Copies the first {@code length} bytes of home block {@code index} into {@code into}: a
   * truncation that ends inside that block makes them the new tail.
   */
  void copyStart(long index, byte[] into, int length) throws IOException {
    ByteBuffer plain = buffers.plainBlock();
    homeReader.readOne(index, plain);
    System.arraycopy(plain.array(), 0, into, 0, length);
  }

  /**
   * Copies the bytes of {@code src} (cleartext {@code pos} at buffer index {@code base}, up to
   * {@code end}) that fall in the block starting at cleartext {@code blockStart}.
   */
  static void overlay(
      byte[] block, int blockSize, long blockStart, ByteBuffer src, int base, long pos, long end) {
    long from = Math.max(pos, blockStart);
    long to = Math.min(end, blockStart + blockSize);
    if (from < to) {
      src.get(base + (int) (from - pos), block, (int) (from - blockStart), (int) (to - from));
    }
  }
}
