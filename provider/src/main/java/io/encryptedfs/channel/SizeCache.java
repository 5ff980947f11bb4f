package io.encryptedfs.channel;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Cleartext sizes of closed files, remembered with the raw file's size, modification time and file
 * key when they were authenticated, so that {@code Files.size} and directory walks do not reopen
 * and authenticate a file whose raw attributes have not changed. Any change of those attributes, or
 * any write through this file system, drops the entry. Keyed by the file's identity (its file key,
 * or its real path), so every name of a file shares one entry. Bounded, least recently used first
 * out.
 *
 * <p>A size is remembered only for a file last modified well before it was read. Modification times
 * are coarse (a few milliseconds on ext4, 2 s on FAT), and the tail record that holds the size is
 * rewritten in place, so the raw size does not change either: another process's write in the same
 * tick as the one before it would leave the stamp as it was, and the remembered size would be
 * stale. Git handles its "racily clean" index entries the same way.
 */
final class SizeCache {
  private static final int CAPACITY = 16_384;

  /** Longer than the coarsest modification-time granularity in use, with room for clock skew. */
  static final long SETTLED_MILLIS = 3_000;

  private record Stamp(long rawSize, FileTime modified, Object fileKey) {
    static Stamp of(BasicFileAttributes raw) {
      return new Stamp(raw.size(), raw.lastModifiedTime(), raw.fileKey());
    }
  }

  private record Remembered(Stamp stamp, long cleartextSize) {}

  private final Map<Object, Remembered> entries =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Remembered> eldest) {
          return size() > CAPACITY;
        }
      };

  /** The remembered size, or -1 when there is none for these raw attributes. */
  synchronized long get(Object id, BasicFileAttributes rawAttrs) {
    Remembered e = entries.get(id);
    if (e == null || !Objects.equals(e.stamp, Stamp.of(rawAttrs))) {
      return -1;
    }
    return e.cleartextSize;
  }

  /**
   * Remembers {@code cleartextSize}, read from a file whose raw attributes were {@code rawAttrs} by
   * a read that began at {@code readStartMillis} (wall clock), unless the file was modified too
   * shortly before then to tell a later change in the same tick apart.
   */
  synchronized void put(
      Object id, BasicFileAttributes rawAttrs, long cleartextSize, long readStartMillis) {
    if (readStartMillis - rawAttrs.lastModifiedTime().toMillis() < SETTLED_MILLIS) {
      entries.remove(id);
      return;
    }
    entries.put(id, new Remembered(Stamp.of(rawAttrs), cleartextSize));
  }

  synchronized void invalidate(Object id) {
    entries.remove(id);
  }
}
