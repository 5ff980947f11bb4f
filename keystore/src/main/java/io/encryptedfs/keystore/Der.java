package io.encryptedfs.keystore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Just enough DER to read the layers of a PKCS#12 file that the JDK's {@code KeyStore} API hides
 * (the MacData and each entry's PBE parameters) and to write a new MacData.
 *
 * <p>Only definite lengths and single-byte tags are accepted: the JDK writes nothing else, and a
 * reader that refuses what it does not understand cannot be tricked into misreporting protection.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;
  static final int BMP_STRING = 0x1e;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;
  static final int CONTEXT_0 = 0xa0;

  /**
   * The JDK's own bound, so nothing it can read is refused; PKCS#12's OIDs take under 20 bytes.
   * Decoding an arc costs the square of its length, and OIDs are read before the MAC is checked, so
   * without a bound one hostile OID in a 16 MiB file would stall opening for hours.
   */
  static final int MAX_OID_LENGTH = 4096;

  private static final BigInteger FORTY = BigInteger.valueOf(40);

  private Der() {}

  /** One tag-length-value, as a window on the buffer it was read from. */
  static final class Value {
    private final int tag;
    private final byte[] buffer;
    private final int start;
    private final int contentStart;
    private final int end;

    private Value(int tag, byte[] buffer, int start, int contentStart, int end) {
      this.tag = tag;
      this.buffer = buffer;
      this.start = start;
      this.contentStart = contentStart;
      this.end = end;
    }

    int tag() {
      return tag;
    }

    /** The whole encoding, tag and length included. */
    byte[] encoded() {
      return Arrays.copyOfRange(buffer, start, end);
    }

    byte[] content() {
      return Arrays.copyOfRange(buffer, contentStart, end);
    }

    /** A reader over the elements inside this constructed value. */
    Reader elements() {
      return new Reader(buffer, contentStart, end);
    }

    Value expect(int expectedTag) throws IOException {
      if (tag != expectedTag) {
        // Not the tag found: the file may be a secret given in the wrong place (a password file
        // for the keystore), whose first byte would then be in every stack trace.
        throw new IOException(
            String.format("DER: expected tag 0x%02x at offset %d", expectedTag, start));
      }
      return this;
    }

    /** A non-negative INTEGER that fits an {@code int}, as PKCS#12 iteration counts must. */
    int intValue() throws IOException {
      expect(INTEGER);
      if (end == contentStart) {
        throw new IOException("DER: empty INTEGER");
      }
      BigInteger value = new BigInteger(content());
      if (value.signum() < 0 || value.bitLength() > 31) {
        throw new IOException("DER: INTEGER out of range");
      }
      return value.intValueExact();
    }

    /** An OBJECT IDENTIFIER in dotted form; arcs may be any size, as UUID-based ones are. */
    String oid() throws IOException {
      expect(OID);
      if (end == contentStart || (buffer[end - 1] & 0x80) != 0) {
        throw new IOException("DER: malformed OID");
      }
      if (end - contentStart > MAX_OID_LENGTH) {
        throw new IOException("DER: OID longer than " + MAX_OID_LENGTH + " bytes");
      }
      StringBuilder out = new StringBuilder();
      BigInteger arc = BigInteger.ZERO;
      for (int i = contentStart; i < end; i++) {
        arc = arc.shiftLeft(7).or(BigInteger.valueOf(buffer[i] & 0x7f));
        if ((buffer[i] & 0x80) == 0) {
          if (out.length() == 0) {
            BigInteger top = arc.divide(FORTY).min(BigInteger.TWO);
            out.append(top).append('.').append(arc.subtract(top.multiply(FORTY)));
          } else {
            out.append('.').append(arc);
          }
          arc = BigInteger.ZERO;
        }
      }
      return out.toString();
    }

    String bmpString() throws IOException {
      expect(BMP_STRING);
      if ((end - contentStart) % 2 != 0) {
        throw new IOException("DER: odd-length BMPString");
      }
      StringBuilder out = new StringBuilder();
      for (int i = contentStart; i < end; i += 2) {
        out.append((char) (((buffer[i] & 0xff) << 8) | (buffer[i + 1] & 0xff)));
      }
      return out.toString();
    }
  }

  /** Reads consecutive values from a region of a buffer. */
  static final class Reader {
    private final byte[] buffer;
    private final int end;
    private int position;

    Reader(byte[] buffer) {
      this(buffer, 0, buffer.length);
    }

    private Reader(byte[] buffer, int start, int end) {
      this.buffer = buffer;
      this.position = start;
      this.end = end;
    }

    boolean hasNext() {
      return position < end;
    }

    Value next() throws IOException {
      if (end - position < 2) {
        throw new IOException("DER: truncated value");
      }
      int start = position;
      int tag = buffer[position++] & 0xff;
      if ((tag & 0x1f) == 0x1f) {
        throw new IOException("DER: multi-byte tags are not supported");
      }
      int first = buffer[position++] & 0xff;
      long length;
      if (first < 0x80) {
        length = first;
      } else if (first == 0x80) {
        throw new IOException("DER: indefinite length (BER) is not supported");
      } else {
        int count = first & 0x7f;
        if (count > 4 || end - position < count) {
          throw new IOException("DER: bad length");
        }
        length = 0;
        for (int i = 0; i < count; i++) {
          length = (length << 8) | (buffer[position++] & 0xff);
        }
      }
      if (length > end - position) {
        throw new IOException("DER: value overruns its container");
      }
      int contentStart = position;
      position += (int) length;
      return new Value(tag, buffer, start, contentStart, position);
    }

    Value next(int expectedTag) throws IOException {
      return next().expect(expectedTag);
    }
  }

  /** Encodes a value with the given tag around the concatenation of {@code parts}. */
  static byte[] encode(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    int length = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }

  static byte[] integer(int value) {
    return encode(INTEGER, BigInteger.valueOf(value).toByteArray());
  }

  static byte[] octetString(byte[] value) {
    return encode(OCTET_STRING, value);
  }

  /** Encodes a dotted OBJECT IDENTIFIER. */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    writeArc(content, new BigInteger(arcs[0]).multiply(FORTY).add(new BigInteger(arcs[1])));
    for (int i = 2; i < arcs.length; i++) {
      writeArc(content, new BigInteger(arcs[i]));
    }
    return encode(OID, content.toByteArray());
  }

  private static void writeArc(ByteArrayOutputStream out, BigInteger arc) {
    int groups = Math.max(1, (arc.bitLength() + 6) / 7);
    for (int i = groups - 1; i >= 0; i--) {
      int group = arc.shiftRight(7 * i).intValue() & 0x7f;
      out.write(i == 0 ? group : group | 0x80);
    }
  }
}
