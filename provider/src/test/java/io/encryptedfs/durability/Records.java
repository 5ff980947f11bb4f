package io.encryptedfs.durability;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Self-describing fixed-size records for stress tests: each carries the slot it was written for,
 * its writer and that writer's sequence number, bytes derived from those, and a checksum, so that a
 * reader can tell a whole record from a hole (all zeros) and from bytes no one wrote. The size
 * divides no block size, so records straddle block edges.
 */
final class Records {
  static final int SIZE = 100;

  private Records() {}

  /** The record that {@code writer}'s write number {@code seq} puts at slot {@code slot}. */
  static byte[] of(long slot, int writer, int seq) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.putLong(slot).putInt(writer).putInt(seq);
    byte[] filler = new byte[SIZE - 24];
    new Random(slot * 31 + writer * 1_000_003L + seq).nextBytes(filler);
    b.put(filler);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, SIZE - 8);
    b.putLong(crc.getValue());
    return b.array();
  }

  /** {@code count} records from slot {@code first}, all by {@code writer}'s write {@code seq}. */
  static byte[] run(long first, int count, int writer, int seq) {
    byte[] bytes = new byte[count * SIZE];
    for (int i = 0; i < count; i++) {
      System.arraycopy(of(first + i, writer, seq), 0, bytes, i * SIZE, SIZE);
    }
    return bytes;
  }

  /** What {@code bytes} at {@code at} hold: a {@link Found} record or a hole (null). */
  static Found read(byte[] bytes, int at, long slot) {
    boolean zero = true;
    for (int i = at; i < at + SIZE && zero; i++) {
      zero = bytes[i] == 0;
    }
    if (zero) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, at, SIZE);
    long stored = b.getLong();
    int writer = b.getInt();
    int seq = b.getInt();
    byte[] expected = of(slot, writer, seq);
    for (int i = 0; i < SIZE; i++) {
      if (bytes[at + i] != expected[i]) {
        throw new AssertionError(
            "slot "
                + slot
                + " holds bytes no one wrote (names slot "
                + stored
                + ", writer "
                + writer
                + ", write "
                + seq
                + "; differs at byte "
                + i
                + ")");
      }
    }
    return new Found(writer, seq);
  }

  /** A whole record: who wrote it, and with which of their writes. */
  record Found(int writer, int seq) {}
}
