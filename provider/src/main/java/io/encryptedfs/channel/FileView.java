package io.encryptedfs.channel;

import io.encryptedfs.format.Geometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;

/**
 * One open file's cleartext as this program sees it: its size, its partial last block (the tail,
 * kept in memory and on disk in the newest tail record), and its full blocks, read from disk. It
 * keeps two invariants: the tail holds the first {@link Geometry#tailLength} bytes of the last
 * block and zeros after them, and a released view answers nothing but {@link
 * ClosedChannelException}.
 *
 * <p>Guarded by the owning {@link OpenFile}'s lock: {@link #read} and the getters under its read
 * lock, every change under its write lock. The size is volatile besides, so that a reader can tell
 * without the lock whether a read reaches the last block (see {@link OpenFile#read}).
 */
final class FileView {
  private final Geometry g;
  private final HomeBlockReader homeReader;
  private final int batchBlocks;
  private volatile long size;
  private byte[] tail;

  /** The buffer the next tail is built in, so that a write never changes the tail it may fail. */
  private byte[] nextTail;

  /** Whether raw bytes past the home blocks were looked for since the view last changed. */
  private boolean surplusChecked;

  private boolean closed;

  /**
   * A view of {@code size} bytes whose last block starts with {@code tail} (taken, not copied), its
   * full blocks read through {@code homeReader} at most {@code batchBlocks} at a time.
   */
  FileView(HomeBlockReader homeReader, Geometry g, int batchBlocks, long size, byte[] tail) {
    this.g = g;
    this.homeReader = homeReader;
    this.batchBlocks = batchBlocks;
    this.size = size;
    this.tail = tail;
  }

  Geometry geometry() {
    return g;
  }

  /** The size; readable without the lock (a reader's guess, confirmed under it). */
  long size() {
    return size;
  }

  /** The full blocks before the tail. */
  long homeBlocks() {
    return g.homeBlocks(size);
  }

  /** How many bytes of the tail are the file's. */
  int tailLength() {
    return g.tailLength(size);
  }

  /** The tail block's cleartext; the caller may change it in place only under the write lock. */
  byte[] tail() {
    return tail;
  }

  /** Reads at {@code position}; -1 at or past the end. Under the read lock. */
  int read(ByteBuffer dst, long position) throws IOException {
    ensureOpen();
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(dst.remaining(), size - position);
    long homeBlocks = g.homeBlocks(size);
    long p = position;
    long end = position + n;
    while (p < end) {
      long index = g.blockIndex(p);
      if (index == homeBlocks) {
        int off = g.offsetInBlock(p);
        int len = (int) (end - p);
        dst.put(tail, off, len);
        p += len;
      } else {
        long last =
            Math.min(g.blockIndex(end - 1), Math.min(homeBlocks - 1, index + batchBlocks - 1));
        p = homeReader.read(index, last, p, end, dst);
      }
    }
    return n;
  }

  /** A zeroed block to build the next tail in, before {@link #replaceTail} makes it the tail. */
  byte[] spareTail() {
    if (nextTail == null) {
      nextTail = new byte[g.blockSize()];
    } else {
      Arrays.fill(nextTail, (byte) 0);
    }
    return nextTail;
  }

  /** {@code next} (from {@link #spareTail}) is the tail now, its record written. */
  void replaceTail(byte[] next) {
    nextTail = tail;
    tail = next;
  }

  /** The file is {@code newSize} bytes long now, its tail already made to match. */
  void resize(long newSize) {
    size = newSize;
  }

  /** The file shrank, or was loaded again: raw bytes past its home blocks may be there. */
  void surplusUnknown() {
    surplusChecked = false;
  }

  boolean surplusChecked() {
    return surplusChecked;
  }

  void surplusHandled() {
    surplusChecked = true;
  }

  /** Takes the state of the file loaded again: {@code newSize} bytes, its tail {@code fresh}. */
  void reload(long newSize, byte[] fresh) {
    size = newSize;
    System.arraycopy(fresh, 0, tail, 0, g.blockSize());
    surplusChecked = false;
  }

  /** Throws once the view is {@link #release released}. */
  void ensureOpen() throws ClosedChannelException {
    if (closed) {
      throw new ClosedChannelException();
    }
  }

  boolean closed() {
    return closed;
  }

  /** Forgets the cleartext; the view is closed from now on. */
  void release() {
    closed = true;
    Arrays.fill(tail, (byte) 0);
    if (nextTail != null) {
      Arrays.fill(nextTail, (byte) 0);
    }
  }
}
