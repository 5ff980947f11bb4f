package io.encryptedfs.faults;

import java.util.Arrays;

/** One modification of a file that has not been made durable by a force yet. */
public sealed interface LogEntry permits LogEntry.Write, LogEntry.Truncate {

  /**
   * The bytes one write call put at {@code offset}; a gathering write is one entry. In append mode
   * {@code offset} is the end of the file at the time of the write.
   */
  record Write(long offset, byte[] data) implements LogEntry {
    public Write {
      if (offset < 0) {
        throw new IllegalArgumentException("negative offset " + offset);
      }
      data = data.clone();
    }

    /** A copy of the written bytes. */
    @Override
    public byte[] data() {
      return data.clone();
    }

    public int length() {
      return data.length;
    }

    /** Replays bytes {@code [from, from + length)} of this write onto {@code image}. */
    void applyTo(FileImage image, int from, int length) {
      image.write(offset + from, data, from, length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Write w && w.offset == offset && Arrays.equals(w.data, data);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(offset) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "write(" + data.length + " B at " + offset + ")";
    }
  }

  /** A {@code truncate} that shrank the file to {@code size}; truncates never tear. */
  record Truncate(long size) implements LogEntry {
    public Truncate {
      if (size < 0) {
        throw new IllegalArgumentException("negative size " + size);
      }
    }

    void applyTo(FileImage image) {
      image.truncate(size);
    }

    @Override
    public String toString() {
      return "truncate(" + size + ")";
    }
  }
}
