package io.encryptedfs.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The offset arithmetic is the format: an off-by-one here silently reads the wrong bytes (which
 * authentication then rejects, so the file looks damaged). Every formula is pinned to the layout
 * written out independently in these tests, at and around every block boundary.
 */
class GeometryTest {
  private static final int[] SHIFTS = {12, 13, 14, 16, 20};

  @Example
  void constantsMatchTheDocumentedLayout() {
    assertEquals(256, Geometry.HEADER_SLOT_SIZE);
    assertEquals(512, Geometry.HEADER_SIZE);
    assertEquals(24, Geometry.NONCE_SIZE);
    assertEquals(16, Geometry.TAG_SIZE);
    assertEquals(3, Geometry.TAIL_SLOTS);
    assertEquals(24, Geometry.TAIL_META_SIZE);
  }

  @Property
  void sizesAndRegionsForEveryValidShift(@ForAll @IntRange(min = 12, max = 20) int shift) {
    long b = 1L << shift;
    Geometry g = Geometry.ofShift(shift);
    assertEquals(shift, g.blockShift());
    assertEquals(b, g.blockSize());
    assertEquals(shift, Geometry.ofBlockSize((int) b).blockShift());
    assertEquals(b + 40, g.sealedBlockSize());
    assertEquals(b + 64, g.tailSlotSize());
    assertEquals(512, g.tailSlotOffset(0));
    assertEquals(512 + (b + 64), g.tailSlotOffset(1));
    assertEquals(512 + 2 * (b + 64), g.tailSlotOffset(2));
    assertEquals(512 + 3 * (b + 64), g.frontSize());
    // The regions tile the file with no gap or overlap.
    assertEquals(g.frontSize(), g.tailSlotOffset(2) + g.tailSlotSize());
    assertEquals(g.frontSize(), g.homeOffset(0));
    assertThrows(IllegalArgumentException.class, () -> g.tailSlotOffset(-1));
    assertThrows(IllegalArgumentException.class, () -> g.tailSlotOffset(3));
  }

  @Example
  void offsetsAtEveryBlockBoundary() {
    for (int shift : SHIFTS) {
      Geometry g = Geometry.ofShift(shift);
      long b = g.blockSize();
      for (long k = 0; k <= 6; k++) {
        assertEquals(512 + 3 * (b + 64) + k * (b + 40), g.homeOffset(k), "homeOffset " + k);
        assertEquals(g.homeOffset(k), g.rawLength(k));
        assertEquals(g.homeOffset(k) + g.sealedBlockSize(), g.homeOffset(k + 1));
        assertEquals(k * b, g.blockStart(k));
        if (k > 0) {
          // The last byte of block k-1.
          long p = k * b - 1;
          assertEquals(k - 1, g.blockIndex(p));
          assertEquals((int) b - 1, g.offsetInBlock(p));
          // A file of k*B-1 bytes: k-1 full home blocks and a B-1 byte tail.
          assertEquals(k - 1, g.homeBlocks(p));
          assertEquals((int) b - 1, g.tailLength(p));
        }
        long p = k * b;
        assertEquals(k, g.blockIndex(p));
        assertEquals(0, g.offsetInBlock(p));
        // A file of exactly k*B bytes has k home blocks and an empty tail (never a full tail).
        assertEquals(k, g.homeBlocks(p));
        assertEquals(0, g.tailLength(p));
        p = k * b + 1;
        assertEquals(k, g.blockIndex(p));
        assertEquals(1, g.offsetInBlock(p));
        assertEquals(k, g.homeBlocks(p));
        assertEquals(1, g.tailLength(p));
      }
    }
  }

  @Property
  void positionRoundTripsThroughBlockAndOffset(
      @ForAll @IntRange(min = 12, max = 20) int shift,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long anyPosition) {
    Geometry g = Geometry.ofShift(shift);
    long position = anyPosition % (g.maxCleartextSize() + 1);
    long index = g.blockIndex(position);
    int offset = g.offsetInBlock(position);
    assertTrue(offset >= 0 && offset < g.blockSize());
    assertEquals(position, g.blockStart(index) + offset);
    assertEquals(position / g.blockSize(), index);
    assertEquals(g.homeBlocks(position) * g.blockSize() + g.tailLength(position), position);
  }

  @Property
  void boundaryNeighboursRoundTrip(
      @ForAll @IntRange(min = 12, max = 20) int shift,
      @ForAll @LongRange(min = 1, max = 1L << 40) long k,
      @ForAll @IntRange(min = -1, max = 1) int delta) {
    Geometry g = Geometry.ofShift(shift);
    long p = k * g.blockSize() + delta;
    assertEquals(delta < 0 ? k - 1 : k, g.blockIndex(p));
    assertEquals(delta < 0 ? g.blockSize() - 1 : delta, g.offsetInBlock(p));
    assertEquals(p, g.blockStart(g.blockIndex(p)) + g.offsetInBlock(p));
  }

  @Property
  void largestAddressableFileDoesNotOverflowRawOffsets(
      @ForAll @IntRange(min = 12, max = 20) int shift) {
    Geometry g = Geometry.ofShift(shift);
    long maxBlocks = g.blockIndex(g.maxCleartextSize());
    long raw = g.homeOffset(maxBlocks);
    assertTrue(raw > 0, "raw offset overflowed");
    // One more block would no longer fit in a long.
    assertTrue(Long.MAX_VALUE - raw < g.sealedBlockSize());
  }

  @Example
  void invalidBlockSizesAreRejected() {
    int[] bad = {
      0,
      -1,
      -4096,
      Integer.MIN_VALUE,
      1,
      2048,
      4095,
      4097,
      3 * 4096,
      1 << 21,
      1 << 30,
      (1 << 20) + 1
    };
    for (int size : bad) {
      assertThrows(
          IllegalArgumentException.class, () -> Geometry.ofBlockSize(size), "size " + size);
    }
    for (int shift : new int[] {-1, 0, 11, 21, 31, 63}) {
      assertThrows(IllegalArgumentException.class, () -> Geometry.ofShift(shift), "shift " + shift);
    }
    assertEquals(4096, Geometry.ofBlockSize(4096).blockSize());
    assertEquals(1 << 20, Geometry.ofBlockSize(1 << 20).blockSize());
  }
}
