package io.encryptedfs.format;

/**
 * Where every byte of an encrypted file lives: pure offset arithmetic, no I/O and no crypto.
 *
 * <p>Layout (see {@code provider/FORMAT.md}): a 512-byte header (two 256-byte header slots), then
 * three tail slots of {@link #tailSlotSize()} bytes each, then the home blocks, each {@link
 * #blockSize()} cleartext bytes sealed into {@link #sealedBlockSize()} bytes. Home block {@code i}
 * holds cleartext bytes {@code [i*B, (i+1)*B)}; the last, partial block of the file (possibly
 * empty) lives only in a tail slot.
 */
public final class Geometry {
  public static final int HEADER_SLOT_SIZE = 256;
  public static final int HEADER_SIZE = 2 * HEADER_SLOT_SIZE;
  public static final int NONCE_SIZE = 24;
  public static final int TAG_SIZE = 16;
  public static final int BLOCK_OVERHEAD = NONCE_SIZE + TAG_SIZE;
  public static final int TAIL_SLOTS = 3;
  public static final int TAIL_META_SIZE = 24;
  public static final int MIN_BLOCK_SHIFT = 12;
  public static final int MAX_BLOCK_SHIFT = 20;

  private final int blockShift;
  private final int blockSize;

  private Geometry(int blockShift) {
    this.blockShift = blockShift;
    this.blockSize = 1 << blockShift;
  }

  /** The geometry for a power-of-two block size from 4 KiB to 1 MiB. */
  public static Geometry ofBlockSize(int blockSize) {
    if (blockSize <= 0 || Integer.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException("block size must be a power of two: " + blockSize);
    }
    return ofShift(Integer.numberOfTrailingZeros(blockSize));
  }

  /** The geometry for {@code 2^shift}-byte blocks. */
  public static Geometry ofShift(int shift) {
    if (shift < MIN_BLOCK_SHIFT || shift > MAX_BLOCK_SHIFT) {
      throw new IllegalArgumentException(
          "block size must be between 4 KiB and 1 MiB, was 2^" + shift + " bytes");
    }
    return new Geometry(shift);
  }

  public int blockShift() {
    return blockShift;
  }

  /** Cleartext bytes per block. */
  public int blockSize() {
    return blockSize;
  }

  /** Bytes of a sealed home block: nonce, ciphertext, tag. */
  public int sealedBlockSize() {
    return blockSize + BLOCK_OVERHEAD;
  }

  /** Bytes reserved for each tail slot: metadata, nonce, up to a block of ciphertext, tag. */
  public int tailSlotSize() {
    return TAIL_META_SIZE + BLOCK_OVERHEAD + blockSize;
  }

  /** Raw offset of tail slot {@code slot} (0, 1 or 2). */
  public long tailSlotOffset(int slot) {
    if (slot < 0 || slot >= TAIL_SLOTS) {
      throw new IllegalArgumentException("tail slot " + slot);
    }
    return HEADER_SIZE + (long) slot * tailSlotSize();
  }

  /** Raw bytes before the first home block: header and tail slots. */
  public long frontSize() {
    return HEADER_SIZE + (long) TAIL_SLOTS * tailSlotSize();
  }

  /** Raw offset of home block {@code index}. */
  public long homeOffset(long index) {
    return frontSize() + index * sealedBlockSize();
  }

  /** The index of the block holding cleartext byte {@code position}. */
  public long blockIndex(long position) {
    return position >>> blockShift;
  }

  /** The offset of cleartext byte {@code position} within its block. */
  public int offsetInBlock(long position) {
    return (int) (position & (blockSize - 1));
  }

  /** Cleartext position of the first byte of block {@code index}. */
  public long blockStart(long index) {
    return index << blockShift;
  }

  /** Number of full home blocks in a file of {@code cleartextSize} bytes. */
  public long homeBlocks(long cleartextSize) {
    return cleartextSize >>> blockShift;
  }

  /** Cleartext bytes held by the tail block of a file of {@code cleartextSize} bytes. */
  public int tailLength(long cleartextSize) {
    return offsetInBlock(cleartextSize);
  }

  /**
   * The raw length of a cleanly written file whose last tail record names {@code homeBlocks} home
   * blocks: the front region is always present in full, so anything shorter is truncation.
   */
  public long rawLength(long homeBlocks) {
    return homeOffset(homeBlocks);
  }

  /**
   * The longest raw file a record of {@code homeBlocks} home blocks and {@code allowance} admits:
   * {@code Long.MAX_VALUE} when its runway ends past every raw offset (the format bounds each of
   * the two, not their sum).
   */
  public long admittedRawLength(long homeBlocks, int allowance) {
    long maxBlocks = (Long.MAX_VALUE - frontSize()) / sealedBlockSize();
    long end = homeBlocks + allowance;
    return end > maxBlocks ? Long.MAX_VALUE : rawLength(end);
  }

  /** The largest cleartext size this geometry can address without overflowing a raw offset. */
  public long maxCleartextSize() {
    long maxBlocks = (Long.MAX_VALUE - frontSize()) / sealedBlockSize();
    return maxBlocks << blockShift;
  }
}
