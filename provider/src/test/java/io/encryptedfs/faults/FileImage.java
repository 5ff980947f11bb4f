package io.encryptedfs.faults;

import java.util.Arrays;

/** Growable in-memory file content onto which {@link LogEntry log entries} are replayed. */
final class FileImage {
  // Crash images live in byte arrays, so files are limited to what an array can hold.
  private static final long MAX_SIZE = Integer.MAX_VALUE - 8;

  private byte[] bytes;
  private int size;

  FileImage(byte[] content) {
    this.bytes = content.clone();
    this.size = content.length;
  }

  int size() {
    return size;
  }

  /** Writes {@code length} bytes of {@code src} from {@code from} at file offset {@code offset}. */
  void write(long offset, byte[] src, int from, int length) {
    if (length == 0) {
      return;
    }
    long end = offset + length;
    if (offset < 0 || end > MAX_SIZE) {
      throw new IllegalArgumentException(
          "faultfs keeps file images in memory and cannot model a write ending at " + end);
    }
    ensureCapacity((int) end);
    if (offset > size) {
      // A write past the end leaves a hole that reads as zeros; stale bytes from an earlier
      // truncation may still sit in the array there.
      Arrays.fill(bytes, size, (int) offset, (byte) 0);
    }
    System.arraycopy(src, from, bytes, (int) offset, length);
    size = Math.max(size, (int) end);
  }

  /** Shrinks the file to {@code newSize}; like {@code FileChannel.truncate} it never grows it. */
  void truncate(long newSize) {
    if (newSize < size) {
      size = (int) newSize;
    }
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void ensureCapacity(int needed) {
    if (needed > bytes.length) {
      int grown = (int) Math.min(MAX_SIZE, Math.max(needed, 2L * bytes.length));
      bytes = Arrays.copyOf(bytes, grown);
    }
  }
}
