package io.encryptedfs.durability;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Self-describing WAL records, as a database would write them: {@code length, sequence, crc32,
 * payload}. The payload of record {@code n} is a function of the seed and {@code n}, so any reader
 * can rebuild what was written and tell a whole record from a torn one.
 */
final class WalLog {
  static final int HEADER = 12;
  static final int MAX_PAYLOAD = 300;

  private WalLog() {}

  /** Record {@code n} of the log with this seed: 1..300 payload bytes. */
  static byte[] record(long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + n);
    byte[] payload = new byte[1 + random.nextInt(MAX_PAYLOAD)];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) random.nextInt(256);
    }
    CRC32 crc = new CRC32();
    crc.update(n);
    crc.update(payload);
    return ByteBuffer.allocate(HEADER + payload.length)
        .putInt(payload.length)
        .putInt(n)
        .putInt((int) crc.getValue())
        .put(payload)
        .array();
  }

  /** What the WAL reader recovers from a file's cleartext. */
  record Recovered(int records, int validBytes, boolean tornTail) {}

  /**
   * Parses records {@code 0, 1, ...} in order. Stops at the first record that is incomplete; any
   * record that is complete but wrong (bad length, sequence or checksum) is garbage, which the
   * durability promise rules out, so it throws.
   */
  static Recovered recover(byte[] data) {
    ByteBuffer in = ByteBuffer.wrap(data);
    int n = 0;
    while (in.remaining() >= HEADER) {
      int start = in.position();
      int length = in.getInt();
      int sequence = in.getInt();
      int crc = in.getInt();
      if (length < 1 || length > MAX_PAYLOAD || sequence != n) {
        throw new AssertionError("garbage record header at " + start + " (record " + n + ")");
      }
      if (in.remaining() < length) {
        return new Recovered(n, start, true);
      }
      byte[] payload = new byte[length];
      in.get(payload);
      CRC32 check = new CRC32();
      check.update(sequence);
      check.update(payload);
      if ((int) check.getValue() != crc) {
        throw new AssertionError("record " + n + " at " + start + " fails its checksum");
      }
      n++;
    }
    return new Recovered(n, in.position(), in.hasRemaining());
  }
}
