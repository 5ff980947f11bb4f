package io.encryptedfs.channel;

import io.encryptedfs.crypto.Aead;
import io.encryptedfs.format.FileHeader;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Tells what a creation that was interrupted left from a file that holds data. A creation writes
 * its front region in two writes ({@link FileLoader#create}): the header slots with the first tail
 * record, then the region's last byte. Killed before the first, it leaves an empty raw file;
 * between them, a raw file shorter than the front region that holds the creation's header and first
 * record and nothing else. Neither holds a byte of data, so a creating open may make a new file
 * there ({@link FileOpener#load}).
 */
final class CreationRemains {
  /** The raw length the creation's first write gives. */
  static final int FIRST_WRITE = Geometry.HEADER_SIZE + WriteBuffers.EMPTY_TAIL_RECORD;

  private final HeaderReader headers;

  CreationRemains(HeaderReader headers) {
    this.headers = headers;
  }

  /**
   * What {@code raw} holds, said for the audit trail, if an interrupted creation left it; else
   * null. Cut short, it must be provably the creation's: both header slots the same, authentic
   * under this root's keys and as a creation writes them (generation 0, no forced record), the
   * first slot holding the creation's record (sequence 1, no data), and no other authentic record
   * in reach.
   */
  String find(RawFile raw) throws IOException {
    long rawLength = raw.size();
    if (rawLength == 0) {
      return "the underlying file was empty, as a crash in the open creating it leaves it";
    }
    if (rawLength < FIRST_WRITE) {
      return null;
    }
    ByteBuffer headerBytes = ByteBuffer.allocate(Geometry.HEADER_SIZE);
    if (raw.readUpTo(headerBytes, 0) < Geometry.HEADER_SIZE) {
      return null;
    }
    byte[] slots = headerBytes.array();
    if (!Arrays.equals(
        slots,
        0,
        Geometry.HEADER_SLOT_SIZE,
        slots,
        Geometry.HEADER_SLOT_SIZE,
        Geometry.HEADER_SIZE)) {
      // A creation writes one slot twice; a later header write, or damage, makes them differ.
      return null;
    }
    HeaderReader.Authentic header;
    try {
      header = headers.newest(slots, "");
    } catch (IOException notAuthentic) {
      // Damage, another root's keys or an unknown alias: the load reports it, and it is not
      // provably a creation's.
      return null;
    }
    try {
      return onlyCreated(raw, rawLength, header) ? cutShort(rawLength, header) : null;
    } finally {
      header.keys().destroy();
    }
  }

  private static boolean onlyCreated(RawFile raw, long rawLength, HeaderReader.Authentic header)
      throws IOException {
    FileHeader h = header.header();
    if (h.generation() != 0 || h.forcedSequence() != 0) {
      return false;
    }
    Geometry geometry = Geometry.ofShift(h.blockShift());
    if (rawLength >= geometry.frontSize()) {
      return false;
    }
    // Zeros past the raw length open as no record.
    ByteBuffer front = ByteBuffer.allocate((int) geometry.frontSize());
    raw.readUpTo(front, 0);
    SealedBlocks sealed =
        new SealedBlocks(geometry, header.keys(), Aead.of(header.keys().algorithm()));
    byte[] plain = new byte[geometry.blockSize()];
    try {
      for (int slot = 0; slot < Geometry.TAIL_SLOTS; slot++) {
        int at = (int) geometry.tailSlotOffset(slot);
        ByteBuffer slotBytes = ByteBuffer.wrap(front.array(), at, geometry.tailSlotSize());
        TailRecord record = FileLoader.openTail(sealed, geometry, slotBytes, plain);
        boolean creations =
            record != null
                && record.sequence() == 1
                && record.homeBlocks() == 0
                && record.length() == 0;
        if (slot == 0 ? !creations : record != null) {
          return false;
        }
      }
      return true;
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  private static String cutShort(long rawLength, HeaderReader.Authentic header) {
    long front = Geometry.ofShift(header.header().blockShift()).frontSize();
    return "the underlying file was cut short (raw length "
        + rawLength
        + " < "
        + front
        + ") and held only its creation's header and empty first record, as a process killed in"
        + " the open creating it leaves it";
  }
}
