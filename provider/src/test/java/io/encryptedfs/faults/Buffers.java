package io.encryptedfs.faults;

import java.nio.ByteBuffer;

/** Copies out of and consumes byte buffers the way a gathering write does. */
final class Buffers {
  // The recorded copy of a write must fit in an array; a longer gathering write is cut short,
  // which the channel contract allows.
  private static final int MAX_WRITE = Integer.MAX_VALUE - 8;

  private Buffers() {}

  /** The remaining bytes of {@code srcs[offset, offset + length)}, without consuming them. */
  static byte[] peek(ByteBuffer[] srcs, int offset, int length) {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += srcs[i].remaining();
    }
    byte[] data = new byte[(int) Math.min(total, MAX_WRITE)];
    int filled = 0;
    for (int i = offset; i < offset + length && filled < data.length; i++) {
      ByteBuffer view = srcs[i].duplicate();
      int n = Math.min(view.remaining(), data.length - filled);
      view.get(data, filled, n);
      filled += n;
    }
    return data;
  }

  /** Advances the buffers past the first {@code count} remaining bytes. */
  static void consume(ByteBuffer[] srcs, int offset, int length, int count) {
    int left = count;
    for (int i = offset; i < offset + length && left > 0; i++) {
      int n = Math.min(srcs[i].remaining(), left);
      srcs[i].position(srcs[i].position() + n);
      left -= n;
    }
  }
}
