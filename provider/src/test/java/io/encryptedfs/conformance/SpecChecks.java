package io.encryptedfs.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.conformance.SpecDecoder.Decoded;
import io.encryptedfs.conformance.SpecDecoder.Header;
import io.encryptedfs.conformance.SpecDecoder.Home;
import io.encryptedfs.conformance.SpecDecoder.Tail;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Assertions of FORMAT.md's byte-level rules on a decoded file. */
final class SpecChecks {
  /** {@code R = k + 2^31 - 1}, the end of the open runway (section 8, step 1). */
  static final long OPEN_RUNWAY = 0x7fff_ffffL;

  private SpecChecks() {}

  /** Holds for every file at any time: both header slots authentic, one file, one geometry. */
  static void wellFormed(Decoded d, int algorithm, int blockSize, String alias) {
    for (Header h : d.headers()) {
      assertNotNull(h, "both header slots authentic");
      assertEquals(1, h.version());
      assertEquals(algorithm, h.algorithm(), "algorithm id");
      assertEquals(Integer.numberOfTrailingZeros(blockSize), h.shift(), "block shift");
      assertEquals(alias, h.alias());
      assertArrayEquals(d.header().fileId(), h.fileId(), "one file id in both slots");
      assertArrayEquals(d.header().dataKey(), h.dataKey(), "one data key in both slots");
    }
    assertTrue(d.rawLength() >= d.expectedRawLength(), "raw length at least F + k(B+40)");
    for (Tail t : d.tails()) {
      if (t != null) {
        assertTrue(t.sequence() <= newest(d).sequence());
      }
    }
  }

  /** A closed file: {@code a = 0}, raw length exactly {@code F + k(B+40)}, the newest chosen. */
  static void closed(Decoded d, byte[] content) {
    assertArrayEquals(content, d.cleartext(), "cleartext");
    int b = d.blockSize();
    assertEquals(content.length / b, d.chosen().homeBlocks(), "k");
    assertEquals(content.length % b, d.chosen().length(), "r");
    assertEquals(0, d.chosen().allowance(), "a = 0 after close");
    assertEquals(newest(d), d.chosen(), "the newest record defines a closed file");
    assertEquals(d.expectedRawLength(), d.rawLength(), "raw length F + k(B+40)");
    assertEquals(512 + 3L * (b + 64) + (long) (content.length / b) * (b + 40), d.rawLength());
  }

  /** After a completed force: the newest header names the newest record as forced. */
  static void forced(Decoded d) {
    assertEquals(newest(d).sequence(), d.header().forcedSequence(), "forced sequence");
  }

  /** A file open for writing: every record the session wrote ends its runway at {@code end}. */
  static void open(Decoded d, byte[] content, long runwayEnd) {
    assertArrayEquals(content, d.cleartext(), "cleartext while open");
    assertEquals(newest(d), d.chosen(), "the newest record defines the file");
    assertEquals(runwayEnd, d.chosen().homeBlocks() + d.chosen().allowance(), "k + a = R");
  }

  static Tail newest(Decoded d) {
    Tail newest = null;
    for (Tail t : d.tails()) {
      if (t != null && (newest == null || t.sequence() > newest.sequence())) {
        newest = t;
      }
    }
    return newest;
  }

  /**
   * Section 6: every unit on disk carries a 24-byte nonce, key salt || counter, and no two share
   * one; returns the distinct key salts.
   */
  static Set<String> nonces(Decoded d) {
    List<byte[]> nonces = new ArrayList<>();
    for (Home h : d.homes()) {
      nonces.add(h.nonce());
    }
    for (Tail t : d.tails()) {
      if (t != null) {
        nonces.add(t.nonce());
      }
    }
    Set<String> seen = new HashSet<>();
    Set<String> salts = new HashSet<>();
    for (byte[] n : nonces) {
      assertEquals(24, n.length);
      assertTrue(seen.add(Arrays.toString(n)), "a nonce used twice");
      salts.add(Arrays.toString(Arrays.copyOf(n, 16)));
    }
    return salts;
  }

  static long counter(byte[] nonce) {
    return ByteBuffer.wrap(nonce, 16, 8).getLong();
  }

  static void sameSalt(byte[] a, byte[] b) {
    assertArrayEquals(Arrays.copyOf(a, 16), Arrays.copyOf(b, 16), "one key salt per session");
  }

  static void otherSalt(byte[] a, byte[] b) {
    assertNotEquals(
        Arrays.toString(Arrays.copyOf(a, 16)),
        Arrays.toString(Arrays.copyOf(b, 16)),
        "a new session draws a new key salt");
  }
}
