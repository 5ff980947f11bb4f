package io.encryptedfs.channel;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Cleartext sizes of closed files, remembered with the raw file's size, modification time and file
 * key when they were authenticated, so that {@code Files.size} and directory walks do not reopen
 * and authenticate a file whose raw attributes have not changed. Any change of those attributes,
 * or any write through this file system, drops the entry. Keyed by the file's identity (its file
 * key, or its real path), so every name of a file shares one entry. Bounded, least recently used
 * first out.
 */
final class SizeCache {
  private static final int CAPACITY = 16_384;

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

  synchronized void put(Object id, BasicFileAttributes rawAttrs, long cleartextSize) {
    entries.put(id, new Remembered(Stamp.of(rawAttrs), cleartextSize));
  }

  synchronized void invalidate(Object id) {
    entries.remove(id);
  }
}
