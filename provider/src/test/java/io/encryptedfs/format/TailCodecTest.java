package io.encryptedfs.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Tail metadata is read in the clear before its seal is checked, so the decoder must reject every
 * value that cannot describe a tail of this geometry before anything sizes a buffer from it.
 */
class TailCodecTest {
  @Property
  void roundTrip(
      @ForAll @IntRange(min = 12, max = 20) int shift,
      @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long sequence,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long anyBlocks,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int anyLength,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int allowance,
      @ForAll @IntRange(min = 0, max = 9) int prefix)
      throws FormatException {
    Geometry g = Geometry.ofShift(shift);
    long homeBlocks = anyBlocks % (g.blockIndex(g.maxCleartextSize()) + 1);
    int length = anyLength % g.blockSize();
    TailRecord record = new TailRecord(sequence, homeBlocks, length, allowance);
    // Decoding starts at the buffer's position and consumes exactly 24 bytes.
    ByteBuffer buf = ByteBuffer.allocate(prefix + 24 + 5);
    buf.position(prefix);
    TailCodec.encode(record, buf);
    assertEquals(prefix + 24, buf.position());
    buf.position(prefix);
    assertEquals(record, TailCodec.decode(buf, g));
    assertEquals(prefix + 24, buf.position());
    assertEquals(homeBlocks * g.blockSize() + length, record.size(g));
  }

  @Example
  void bigEndianLayout() throws FormatException {
    ByteBuffer buf = ByteBuffer.allocate(24);
    TailCodec.encode(new TailRecord(0x0102030405060708L, 0x1112L, 0x2122, 0x31323334), buf);
    assertArrayEquals(
        new byte[] {
          1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0x11, 0x12, 0, 0, 0x21, 0x22, 0x31, 0x32, 0x33,
          0x34
        },
        buf.array());
  }

  @Example
  void rejectsSequenceZeroAndSequencesPastSignedRange() {
    Geometry g = Geometry.ofShift(12);
    // Zero is a never-written slot; a u64 above 2^63-1 reads as negative and is refused too.
    assertRejected(g, 0, 0, 0, 0);
    assertRejected(g, -1, 0, 0, 0);
    assertRejected(g, Long.MIN_VALUE, 0, 0, 0);
  }

  @Example
  void rejectsLengthOfAWholeBlockOrMore() throws FormatException {
    for (int shift : new int[] {12, 14, 20}) {
      Geometry g = Geometry.ofShift(shift);
      int b = g.blockSize();
      assertEquals(b - 1, decode(g, 1, 0, b - 1, 0).length());
      assertRejected(g, 1, 0, b, 0);
      assertRejected(g, 1, 0, b + 1, 0);
      assertRejected(g, 1, 0, Integer.MAX_VALUE, 0);
      assertRejected(g, 1, 0, -1, 0);
      assertRejected(g, 1, 0, Integer.MIN_VALUE, 0);
    }
  }

  @Example
  void rejectsHomeBlocksBeyondTheAddressableRangeAndNegativeAllowance() throws FormatException {
    Geometry g = Geometry.ofShift(12);
    long maxBlocks = g.blockIndex(g.maxCleartextSize());
    assertEquals(maxBlocks, decode(g, 1, maxBlocks, 0, 0).homeBlocks());
    assertRejected(g, 1, maxBlocks + 1, 0, 0);
    assertRejected(g, 1, -1, 0, 0);
    assertRejected(g, 1, Long.MIN_VALUE, 0, 0);
    assertRejected(g, 1, 0, 0, -1);
    assertRejected(g, 1, 0, 0, Integer.MIN_VALUE);
  }

  @Example
  void rejectsShortInput() {
    Geometry g = Geometry.ofShift(12);
    for (int n = 0; n < 24; n++) {
      ByteBuffer buf = ByteBuffer.allocate(n);
      assertThrows(FormatException.class, () -> TailCodec.decode(buf, g));
    }
  }

  private static TailRecord decode(Geometry g, long seq, long blocks, int length, int allowance)
      throws FormatException {
    ByteBuffer buf = ByteBuffer.allocate(24);
    buf.putLong(seq).putLong(blocks).putInt(length).putInt(allowance).flip();
    return TailCodec.decode(buf, g);
  }

  private static void assertRejected(Geometry g, long seq, long blocks, int length, int allowance) {
    assertThrows(FormatException.class, () -> decode(g, seq, blocks, length, allowance));
  }
}
