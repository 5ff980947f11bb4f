package io.encryptedfs.format;

import java.nio.ByteBuffer;

/**
 * Encodes and decodes the 24 metadata bytes that open a tail slot: sequence (8), home blocks (8),
 * length (4), allowance (4), all big-endian.
 */
public final class TailCodec {
  private TailCodec() {}

  public static void encode(TailRecord record, ByteBuffer out) {
    encode(record.sequence(), record.homeBlocks(), record.length(), record.allowance(), out);
  }

  /**
   * As {@link #encode(TailRecord, ByteBuffer)}, for a writer that keeps the fields, not a record.
   */
  public static void encode(
      long sequence, long homeBlocks, int length, int allowance, ByteBuffer out) {
    out.putLong(sequence);
    out.putLong(homeBlocks);
    out.putInt(length);
    out.putInt(allowance);
  }

  /**
   * Parses the metadata at {@code in}'s position, advancing it.
   *
   * @throws FormatException if the fields cannot belong to a tail slot of this geometry
   */
  public static TailRecord decode(ByteBuffer in, Geometry geometry) throws FormatException {
    if (in.remaining() < Geometry.TAIL_META_SIZE) {
      throw new FormatException("tail slot shorter than its metadata");
    }
    long sequence = in.getLong();
    long homeBlocks = in.getLong();
    int length = in.getInt();
    int allowance = in.getInt();
    if (sequence <= 0) {
      throw new FormatException("tail slot never written");
    }
    long maxBlocks = geometry.blockIndex(geometry.maxCleartextSize());
    if (homeBlocks < 0 || homeBlocks > maxBlocks) {
      throw new FormatException("tail slot names " + homeBlocks + " home blocks");
    }
    if (length < 0 || length >= geometry.blockSize()) {
      throw new FormatException("tail slot length " + length + " out of range");
    }
    if (allowance < 0) {
      throw new FormatException("tail slot allowance " + allowance + " out of range");
    }
    return new TailRecord(sequence, homeBlocks, length, allowance);
  }
}
