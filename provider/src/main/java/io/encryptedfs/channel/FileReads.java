package io.encryptedfs.channel;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One open file's reads: its size, whether it is closed, and its content, each through the {@link
 * FileView} under the owning {@link OpenFile}'s read lock. Where what a reader asks for can show
 * another program's writes (the size, the last block, the end), the view first catches up with them
 * ({@link WriterTurns#follow}), as a plain file's reader would find them.
 */
final class FileReads {
  private final ReentrantReadWriteLock lock;
  private final Geometry g;
  private final FileView view;
  private final WriterTurns turns;

  FileReads(ReentrantReadWriteLock lock, Geometry g, FileView view, WriterTurns turns) {
    this.lock = lock;
    this.g = g;
    this.view = view;
    this.turns = turns;
  }

  long size() throws IOException {
    turns.follow();
    PinnedLocks.lock(lock.readLock());
    try {
      view.ensureOpen();
      return view.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Whether the session ended and the view is closed: its size is then the disk's. */
  boolean closed() {
    PinnedLocks.lock(lock.readLock());
    try {
      return view.closed();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Reads at {@code position}; -1 at or past the end, as {@code FileChannel.read} does. */
  int read(ByteBuffer dst, long position) throws IOException {
    if (position > g.blockStart(g.homeBlocks(view.size())) - dst.remaining()) {
      // The last block and the end come from this view, not the disk: another program may have
      // changed them.
      turns.follow();
    }
    int start = dst.position();
    try {
      return readLocked(dst, position);
    } catch (DamagedFileException e) {
      // Blocks of this view may be gone, or rewritten, because another program truncated the file
      // since: a plain file's reader would find the file as it is now, so this one reads again on
      // the view caught up with it. Damage reads as damage again.
      if (!turns.follow()) {
        throw e;
      }
      for (int i = start; i < dst.position(); i++) {
        dst.put(i, (byte) 0); // bytes of the view given up
      }
      dst.position(start);
      return readLocked(dst, position);
    }
  }

  private int readLocked(ByteBuffer dst, long position) throws IOException {
    PinnedLocks.lock(lock.readLock());
    try {
      return view.read(dst, position);
    } finally {
      lock.readLock().unlock();
    }
  }
}
