package io.encryptedfs.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The header codec is the first thing that touches untrusted bytes: it must round-trip every legal
 * header bit-exactly and reject, with a {@link FormatException} (never a runtime exception),
 * everything the format does not allow.
 */
class HeaderCodecTest {
  private static final int ALIAS_LENGTH_OFFSET = 72;
  private static final int ALIAS_OFFSET = 73;

  @Provide
  Arbitrary<FileHeader> headers() {
    // Aliases mix 1- to 4-byte UTF-8 characters (including a surrogate pair) up to 128 bytes.
    Arbitrary<String> alias =
        Arbitraries.of("a", "Z", "0", "-", ".", "é", "€", "中", "😀")
            .list()
            .ofMinSize(1)
            .ofMaxSize(32)
            .map(l -> String.join("", l));
    return Combinators.combine(
            Arbitraries.integers().between(0, 255),
            Arbitraries.integers().between(12, 20),
            Arbitraries.longs().between(0, 0xFFFF_FFFFL),
            Arbitraries.bytes().array(byte[].class).ofSize(16),
            Arbitraries.bytes().array(byte[].class).ofSize(40),
            alias)
        .as(
            (alg, shift, gen, id, wrapped, a) ->
                new FileHeader(1, alg, shift, gen, id, wrapped, a));
  }

  @Property
  void roundTrip(@ForAll("headers") FileHeader header) throws FormatException {
    byte[] slot = HeaderCodec.encode(header);
    assertEquals(256, slot.length);
    assertTrue(HeaderCodec.hasMagic(ByteBuffer.wrap(slot)));
    // The codec leaves the MAC field for the crypto layer.
    for (int i = HeaderCodec.MAC_OFFSET; i < 256; i++) {
      assertEquals(0, slot[i]);
    }
    assertEquals(header, HeaderCodec.decode(slot));
    assertEquals(header.keyAlias(), HeaderCodec.decode(slot).keyAlias());
    // Decoding does not look at the MAC: checking it is the crypto layer's job.
    Arrays.fill(slot, HeaderCodec.MAC_OFFSET, 256, (byte) 0x5A);
    assertEquals(header, HeaderCodec.decode(slot));
  }

  @Example
  void fieldsAreAtTheDocumentedOffsets() throws FormatException {
    byte[] id = new byte[16];
    Arrays.fill(id, (byte) 0x11);
    byte[] wrapped = new byte[40];
    Arrays.fill(wrapped, (byte) 0x22);
    byte[] slot = HeaderCodec.encode(new FileHeader(1, 3, 14, 0xFEDC_BA98L, id, wrapped, "k1"));
    assertArrayEquals(
        new byte[] {(byte) 0x89, 0x45, 0x4E, 0x43, 0x46, 0x53, 0x0D, 0x0A}, Arrays.copyOf(slot, 8));
    assertEquals(0, slot[8]);
    assertEquals(1, slot[9]);
    assertEquals(3, slot[10]);
    assertEquals(14, slot[11]);
    assertArrayEquals(
        new byte[] {(byte) 0xFE, (byte) 0xDC, (byte) 0xBA, (byte) 0x98},
        Arrays.copyOfRange(slot, 12, 16));
    assertArrayEquals(id, Arrays.copyOfRange(slot, 16, 32));
    assertArrayEquals(wrapped, Arrays.copyOfRange(slot, 32, 72));
    assertEquals(2, slot[72]);
    assertEquals('k', slot[73]);
    assertEquals('1', slot[74]);
    for (int i = 75; i < 256; i++) {
      assertEquals(0, slot[i], "byte " + i);
    }
    // The forced tail sequence (0 here) sits at 201..208, reserved zeros follow up to the MAC.
    assertEquals(209, HeaderCodec.reservedOffset());
    // Generation is unsigned: the high bit is not a sign.
    assertEquals(0xFEDC_BA98L, HeaderCodec.decode(slot).generation());
  }

  @Example
  void longestAliasFitsAndLongerIsRefused() throws FormatException {
    String alias128 = "é".repeat(64);
    byte[] slot = HeaderCodec.encode(header(alias128));
    assertEquals((byte) 128, slot[ALIAS_LENGTH_OFFSET]);
    assertEquals(alias128, HeaderCodec.decode(slot).keyAlias());
    assertThrows(IllegalArgumentException.class, () -> header("a".repeat(129)));
    assertThrows(IllegalArgumentException.class, () -> header(""));
  }

  @Example
  void rejectsWrongSlotLength() {
    assertRejected(new byte[255]);
    assertRejected(new byte[257]);
    assertRejected(new byte[0]);
  }

  @Example
  void rejectsBadMagicInEveryByte() {
    for (int i = 0; i < 8; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] slot = valid();
        slot[i] ^= (byte) (1 << bit);
        assertFalse(HeaderCodec.hasMagic(ByteBuffer.wrap(slot)));
        assertRejected(slot);
      }
    }
    assertFalse(HeaderCodec.hasMagic(ByteBuffer.wrap(Arrays.copyOf(valid(), 7))));
  }

  @Example
  void rejectsOtherVersions() {
    for (int version : new int[] {0, 2, 0x100, 0x101, 0xFFFF}) {
      byte[] slot = valid();
      ByteBuffer.wrap(slot).putShort(8, (short) version);
      assertRejected(slot);
    }
  }

  @Example
  void rejectsBlockShiftOutOfRange() {
    for (int shift : new int[] {0, 1, 11, 21, 31, 255}) {
      byte[] slot = valid();
      slot[11] = (byte) shift;
      assertRejected(slot);
    }
  }

  @Example
  void rejectsAliasLengthOutOfRange() {
    for (int length : new int[] {0, 129, 200, 255}) {
      byte[] slot = valid();
      slot[ALIAS_LENGTH_OFFSET] = (byte) length;
      assertRejected(slot);
    }
  }

  @Example
  void forcedSequenceRoundTripsAtItsOffset() throws FormatException {
    FileHeader h = header("k").withForcedSequence(0x0102_0304_0506_0708L);
    byte[] slot = HeaderCodec.encode(h);
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Arrays.copyOfRange(slot, 201, 209));
    assertEquals(h, HeaderCodec.decode(slot));
    byte[] negative = slot.clone();
    negative[201] = (byte) 0x80;
    assertRejected(negative);
  }

  @Example
  void rejectsNonZeroPaddingAnywhereBeforeTheMac() {
    byte[] base = valid();
    int aliasLength = base[ALIAS_LENGTH_OFFSET];
    for (int i = ALIAS_OFFSET + aliasLength; i < HeaderCodec.MAC_OFFSET; i++) {
      if (i >= 201 && i < 209) {
        continue; // the forced sequence: any non-negative value is valid
      }
      byte[] slot = base.clone();
      slot[i] = 1;
      assertRejected(slot);
    }
  }

  @Example
  void rejectsAliasThatIsNotUtf8() {
    List<byte[]> malformed =
        List.of(
            new byte[] {(byte) 0xFF},
            new byte[] {'a', (byte) 0x80},
            new byte[] {(byte) 0xC3, 0x28},
            new byte[] {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a lone surrogate
            new byte[] {'a', (byte) 0xE2, (byte) 0x82}); // truncated '€'
    for (byte[] alias : malformed) {
      byte[] slot = valid();
      Arrays.fill(slot, ALIAS_OFFSET, HeaderCodec.MAC_OFFSET, (byte) 0);
      slot[ALIAS_LENGTH_OFFSET] = (byte) alias.length;
      System.arraycopy(alias, 0, slot, ALIAS_OFFSET, alias.length);
      assertRejected(slot);
    }
  }

  /** A header's alias is read from disk: its toString, which a log may show, escapes it. */
  @Example
  void toStringShowsTheAliasEscaped() throws FormatException {
    FileHeader decoded = HeaderCodec.decode(HeaderCodec.encode(header("k\nWARN forged")));
    assertEquals("k\nWARN forged", decoded.keyAlias());
    assertTrue(decoded.toString().contains("keyAlias=k\\nWARN forged,"), decoded.toString());
  }

  private static FileHeader header(String alias) {
    return new FileHeader(1, 1, 12, 7, new byte[16], new byte[40], alias);
  }

  private static byte[] valid() {
    byte[] slot = HeaderCodec.encode(header("master"));
    assertEquals("master".getBytes(StandardCharsets.UTF_8).length, slot[ALIAS_LENGTH_OFFSET]);
    return slot;
  }

  private static void assertRejected(byte[] slot) {
    assertThrows(FormatException.class, () -> HeaderCodec.decode(slot));
  }
}
