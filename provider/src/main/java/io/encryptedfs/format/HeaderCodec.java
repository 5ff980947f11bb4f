package io.encryptedfs.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes and decodes one 256-byte header slot. The last 32 bytes are a MAC over the first 224,
 * computed and checked by the crypto layer; this codec only places it.
 */
public final class HeaderCodec {
  /** {@code \x89ENCFS\r\n}: a high byte and a CR LF catch 7-bit and line-ending mangling. */
  static final byte[] MAGIC = {(byte) 0x89, 'E', 'N', 'C', 'F', 'S', '\r', '\n'};

  public static final int FORMAT_VERSION = 1;
  public static final int MAC_OFFSET = 224;
  public static final int MAC_SIZE = 32;

  private static final int VERSION_OFFSET = 8;
  private static final int ALGORITHM_OFFSET = 10;
  private static final int SHIFT_OFFSET = 11;
  private static final int GENERATION_OFFSET = 12;
  private static final int FILE_ID_OFFSET = 16;
  private static final int WRAPPED_KEY_OFFSET = 32;
  private static final int ALIAS_LENGTH_OFFSET = 72;
  private static final int ALIAS_OFFSET = 73;
  private static final int FORCED_SEQUENCE_OFFSET = ALIAS_OFFSET + FileHeader.MAX_ALIAS_BYTES;
  private static final int RESERVED_OFFSET = FORCED_SEQUENCE_OFFSET + 8;

  private HeaderCodec() {}

  /** True when {@code raw} starts with the format's magic bytes. */
  public static boolean hasMagic(ByteBuffer raw) {
    if (raw.remaining() < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (raw.get(raw.position() + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The 256-byte slot with a zero MAC field: the caller fills bytes 224..255 with the MAC. */
  public static byte[] encode(FileHeader header) {
    byte[] slot = new byte[Geometry.HEADER_SLOT_SIZE];
    ByteBuffer b = ByteBuffer.wrap(slot);
    b.put(MAGIC);
    b.putShort(VERSION_OFFSET, (short) header.version());
    b.put(ALGORITHM_OFFSET, (byte) header.algorithmId());
    b.put(SHIFT_OFFSET, (byte) header.blockShift());
    b.putInt(GENERATION_OFFSET, (int) header.generation());
    b.put(FILE_ID_OFFSET, header.fileId());
    b.put(WRAPPED_KEY_OFFSET, header.wrappedKey());
    byte[] alias = header.keyAlias().getBytes(StandardCharsets.UTF_8);
    b.put(ALIAS_LENGTH_OFFSET, (byte) alias.length);
    b.put(ALIAS_OFFSET, alias);
    b.putLong(FORCED_SEQUENCE_OFFSET, header.forcedSequence());
    return slot;
  }

  /**
   * Parses a 256-byte slot without checking its MAC.
   *
   * @throws FormatException if the slot is not a header this version can read
   */
  public static FileHeader decode(byte[] slot) throws FormatException {
    if (slot.length != Geometry.HEADER_SLOT_SIZE) {
      throw new FormatException("header slot must be 256 bytes, was " + slot.length);
    }
    ByteBuffer b = ByteBuffer.wrap(slot);
    if (!hasMagic(b)) {
      throw new FormatException("not an encrypted file (bad magic)");
    }
    int version = Short.toUnsignedInt(b.getShort(VERSION_OFFSET));
    if (version != FORMAT_VERSION) {
      throw new FormatException("unsupported format version " + version);
    }
    int shift = Byte.toUnsignedInt(b.get(SHIFT_OFFSET));
    if (shift < Geometry.MIN_BLOCK_SHIFT || shift > Geometry.MAX_BLOCK_SHIFT) {
      throw new FormatException("invalid block size 2^" + shift);
    }
    int aliasLength = Byte.toUnsignedInt(b.get(ALIAS_LENGTH_OFFSET));
    if (aliasLength == 0 || aliasLength > FileHeader.MAX_ALIAS_BYTES) {
      throw new FormatException("invalid key alias length " + aliasLength);
    }
    for (int i = ALIAS_OFFSET + aliasLength; i < FORCED_SEQUENCE_OFFSET; i++) {
      if (slot[i] != 0) {
        throw new FormatException("non-zero padding at header byte " + i);
      }
    }
    for (int i = RESERVED_OFFSET; i < MAC_OFFSET; i++) {
      if (slot[i] != 0) {
        throw new FormatException("non-zero reserved byte at header byte " + i);
      }
    }
    long forcedSequence = b.getLong(FORCED_SEQUENCE_OFFSET);
    if (forcedSequence < 0) {
      throw new FormatException("invalid forced sequence");
    }
    String alias;
    try {
      alias =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(slot, ALIAS_OFFSET, aliasLength))
              .toString();
    } catch (CharacterCodingException e) {
      throw new FormatException("key alias is not UTF-8");
    }
    return new FileHeader(
        version,
        Byte.toUnsignedInt(b.get(ALGORITHM_OFFSET)),
        shift,
        Integer.toUnsignedLong(b.getInt(GENERATION_OFFSET)),
        Arrays.copyOfRange(slot, FILE_ID_OFFSET, FILE_ID_OFFSET + FileHeader.FILE_ID_SIZE),
        Arrays.copyOfRange(
            slot, WRAPPED_KEY_OFFSET, WRAPPED_KEY_OFFSET + FileHeader.WRAPPED_KEY_SIZE),
        alias,
        forcedSequence);
  }

  static int reservedOffset() {
    return RESERVED_OFFSET;
  }
}
