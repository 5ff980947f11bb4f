package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void oidsRoundTrip() throws IOException {
    for (String oid :
        new String[] {
          "1.2.840.113549.1.5.13",
          "2.16.840.1.101.3.4.2.1",
          "2.25.162518132703288305364441207655350083044",
          "2.999.1"
        }) {
      assertEquals(oid, new Der.Reader(Der.oid(oid)).next().oid());
    }
    // The well-known encoding of SHA-256's OID.
    assertArrayEquals(HEX.parseHex("0609608648016503040201"), Der.oid("2.16.840.1.101.3.4.2.1"));
  }

  @Test
  void lengthsUseTheShortestForm() {
    assertArrayEquals(HEX.parseHex("0400"), Der.octetString(new byte[0]));
    assertEquals("047f", HEX.formatHex(Der.octetString(new byte[127])).substring(0, 4));
    assertEquals("048180", HEX.formatHex(Der.octetString(new byte[128])).substring(0, 6));
    assertEquals("04820100", HEX.formatHex(Der.octetString(new byte[256])).substring(0, 8));
  }

  @Test
  void integersRoundTrip() throws IOException {
    for (int value : new int[] {0, 1, 127, 128, 10_000, 1_200_000, Integer.MAX_VALUE}) {
      assertEquals(value, new Der.Reader(Der.integer(value)).next().intValue());
    }
    assertArrayEquals(HEX.parseHex("02020080"), Der.integer(128));
  }

  @Test
  void nestedValuesAreReadInOrder() throws IOException {
    byte[] encoded =
        Der.encode(
            Der.SEQUENCE, Der.integer(3), Der.octetString(new byte[] {1, 2}), Der.oid("1.2"));
    Der.Reader fields = new Der.Reader(encoded).next(Der.SEQUENCE).elements();
    assertEquals(3, fields.next().intValue());
    assertArrayEquals(new byte[] {1, 2}, fields.next(Der.OCTET_STRING).content());
    assertEquals("1.2", fields.next().oid());
    assertFalse(fields.hasNext());
  }

  @Test
  void malformedInputIsRefused() {
    assertThrows(IOException.class, () -> new Der.Reader(HEX.parseHex("3080")).next());
    assertThrows(IOException.class, () -> new Der.Reader(HEX.parseHex("3005020103")).next());
    assertThrows(IOException.class, () -> new Der.Reader(HEX.parseHex("30")).next());
    assertThrows(IOException.class, () -> new Der.Reader(HEX.parseHex("1f0100")).next());
    IOException wrongTag =
        assertThrows(
            IOException.class,
            () -> new Der.Reader(HEX.parseHex("3003020101")).next().elements().next(Der.SEQUENCE));
    assertEquals("DER: expected tag 0x30 at offset 2", wrongTag.getMessage());
    assertThrows(IOException.class, () -> new Der.Reader(HEX.parseHex("0201ff")).next().intValue());
    assertThrows(IOException.class, () -> new Der.Reader(HEX.parseHex("0200")).next().intValue());
    assertThrows(IOException.class, () -> new Der.Reader(HEX.parseHex("060181")).next().oid());
  }

  @Test
  void anOidLongerThanTheJdkAcceptsIsRefusedUnread() throws IOException {
    byte[] atTheBound = Der.encode(Der.OID, oneArc(Der.MAX_OID_LENGTH));
    assertTrue(new Der.Reader(atTheBound).next().oid().startsWith("2."));
    byte[] over = Der.encode(Der.OID, oneArc(Der.MAX_OID_LENGTH + 1));
    IOException e = assertThrows(IOException.class, () -> new Der.Reader(over).next().oid());
    assertEquals("DER: OID longer than 4096 bytes", e.getMessage());
  }

  /** The contents of an OID that is one arc of {@code length} bytes, the costliest to decode. */
  private static byte[] oneArc(int length) {
    byte[] arc = new byte[length];
    Arrays.fill(arc, (byte) 0xff);
    arc[length - 1] = 0x7f;
    return arc;
  }
}
