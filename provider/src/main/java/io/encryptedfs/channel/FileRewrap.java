package io.encryptedfs.channel;

import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A rewrap of an open file's data key under another master key, as the file's writer makes it: the
 * header is rewritten by {@link FileHeaders#rewrap}, and this takes what that needs around it, the
 * file's write lock and the writer lock (lent for the rewrap only when this program does not write
 * the file). Apart from {@link OpenFile}, since a rewrap is rare and neither reads nor writes
 * content.
 */
final class FileRewrap {
  private final ReentrantReadWriteLock lock;
  private final RawFile raw;
  private final FileView view;
  private final FileHeaders headers;
  private final OtherWriters others;

  /** For the file whose lock is {@code lock}. */
  FileRewrap(
      ReentrantReadWriteLock lock,
      RawFile raw,
      FileView view,
      FileHeaders headers,
      OtherWriters others) {
    this.lock = lock;
    this.raw = raw;
    this.view = view;
    this.headers = headers;
    this.others = others;
  }

  /**
   * Rewraps the data key under master key {@code alias} (see {@link HeaderRewrap}); false when both
   * header slots already name it. Under the write lock, so that a force's header write never
   * interleaves with the rewrap, and the in-memory header stays the newest one on disk.
   */
  boolean rewrap(String alias, KeyProvider keyProvider) throws IOException {
    PinnedLocks.lock(lock.writeLock());
    try {
      view.ensureOpen();
      if (headers.alreadyNames(alias)) {
        return false;
      }
      // Claimed for the rewrap only when this program does not write the file: kept, the writer
      // lock would refuse the file's writer until this program closed a channel that only reads.
      boolean lent = !raw.writerHeld();
      others.claim();
      try {
        if (headers.alreadyNames(alias)) {
          return false;
        }
        return headers.rewrap(alias, keyProvider);
      } finally {
        if (lent) {
          raw.releaseWriter();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
