package io.encryptedfs.conformance;

import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.NotAnEncryptedFileException;
import io.encryptedfs.conformance.SpecDecoder.Failure;
import io.encryptedfs.conformance.SpecEncoder.HeaderFields;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import java.util.Arrays;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Each kind of damage FORMAT.md sections 3, 4 and 7 say is detected, built byte by byte by {@link
 * SpecEncoder} into an otherwise valid file: the provider refuses it with the exception the
 * document names, as {@link SpecDecoder} does, and leaves the raw file as it was.
 */
class EncodedDamageTest extends EncodedFileChecks {
  @Test
  void damageSectionSevenDetects() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      SecretKey master = root.keys.masterKey("master");
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] content = bytes(2 * B + 10);
      byte[] good = e.closedFile(e.header(master, "master"), content, 3, 0);
      byte[] tail = Arrays.copyOfRange(content, 2 * B, content.length);

      byte[] noTail = good.clone();
      noTail[Math.toIntExact(e.tailOffset(0)) + 48 + 3] ^= 1;
      assertDamaged(root, "no-valid-tail", noTail, -1);

      byte[] sizeAltered = good.clone();
      sizeAltered[Math.toIntExact(e.tailOffset(0)) + 19] ^= 1;
      assertDamaged(root, "record-size-altered", sizeAltered, -1);

      byte[] twins = good.clone();
      SpecEncoder.put(twins, e.tailOffset(2), e.tail(3, 2, 0, tail));
      assertDamaged(root, "same-sequence", twins, -1);

      // The same, the twins older than the newest record, in either order of slots.
      byte[] olderTwins = good.clone();
      SpecEncoder.put(olderTwins, e.tailOffset(1), e.tail(2, 2, 0, tail));
      SpecEncoder.put(olderTwins, e.tailOffset(2), e.tail(2, 2, 0, tail));
      assertDamaged(root, "same-older-sequence", olderTwins, -1);

      byte[] belowForced = good.clone();
      HeaderFields later = e.header(master, "master");
      later.forcedSequence = 4;
      SpecEncoder.put(belowForced, 256, later.encode());
      assertDamaged(root, "below-forced", belowForced, -1);

      assertDamaged(root, "truncated", Arrays.copyOf(good, good.length - 1), 1);
      assertDamaged(root, "front-only", Arrays.copyOf(good, (int) e.front()), 0);
      assertDamaged(root, "front-cut", Arrays.copyOf(good, (int) e.front() - 1), -1);
      assertDamaged(root, "header-cut", Arrays.copyOf(good, 300), -1);
      assertDamaged(root, "empty", new byte[0], -1);
      assertDamaged(root, "extended", Arrays.copyOf(good, good.length + 1), -1);

      byte[] flipped = good.clone();
      flipped[Math.toIntExact(e.homeOffset(1)) + 100] ^= 1;
      assertDamaged(root, "home-flipped", flipped, 1);

      byte[] swapped = good.clone();
      SpecEncoder.put(
          swapped,
          e.homeOffset(0),
          Arrays.copyOfRange(
              good, Math.toIntExact(e.homeOffset(1)), Math.toIntExact(e.homeOffset(2))));
      assertDamaged(root, "home-moved", swapped, 0);

      SpecEncoder other = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] transplanted = good.clone();
      SpecEncoder.put(transplanted, e.homeOffset(1), other.home(1, bytes(B)));
      assertDamaged(root, "home-of-another-file", transplanted, 1);

      byte[] bothMacs = good.clone();
      bothMacs[230] ^= 1;
      bothMacs[256 + 230] ^= 1;
      assertDamaged(root, "header-macs", bothMacs, -1);

      byte[] notOurs = good.clone();
      notOurs[0] = 0;
      notOurs[256] = 0;
      assertRefused(
          root, "no-magic", notOurs, NotAnEncryptedFileException.class, Failure.NOT_ENCRYPTED);

      SpecEncoder unknown = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      assertRefused(
          root,
          "unknown-alias",
          unknown.closedFile(unknown.header(master, "nobody"), content, 1, 0),
          UnknownKeyAliasException.class,
          Failure.UNKNOWN_ALIAS);
      SecretKey foreign = new SecretKeySpec(bytes(32), "AES");
      assertRefused(
          root,
          "foreign-key",
          unknown.closedFile(unknown.header(foreign, "master"), content, 1, 0),
          KeyMismatchException.class,
          Failure.KEY_MISMATCH);
    }
  }

  /**
   * Authentic units whose counts lie outside the ranges sections 3 and 4 give them (a Java reader
   * holds them in signed 64- and 32-bit fields): the slot is not valid.
   */
  @Test
  void countsOutsideTheirRangesDoNotParse() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      SecretKey master = root.keys.masterKey("master");
      long maxK = (Long.MAX_VALUE - 512 - 3L * (B + 64)) / (B + 40);
      long[][] records = { // sequence, k, a
        {Long.MIN_VALUE, 0, 0}, {-1, 0, 0}, {1, maxK + 1, 0}, {1, 0, 0x8000_0000L}, {1, 0, -1}
      };
      for (long[] r : records) {
        SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
        byte[] raw = e.closedFile(e.header(master, "master"), new byte[0], 0, 0);
        SpecEncoder.put(raw, e.tailOffset(0), e.tail(r[0], r[1], r[2], new byte[0]));
        assertDamaged(root, "range-" + r[0] + "-" + r[1] + "-" + r[2], raw, -1);
      }
      // A header slot naming a forced sequence of 2^63 does not parse; the other slot is read.
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] content = bytes(30);
      byte[] raw = e.closedFile(e.header(master, "master"), content, 1, 0);
      HeaderFields huge = e.header(master, "master");
      huge.forcedSequence = Long.MIN_VALUE;
      SpecEncoder.put(raw, 0, huge.encode());
      assertReads(root, "forced-2-63", raw, content);
    }
  }

  /** Authentic header slots whose fields do not parse: section 3 takes neither. */
  @Test
  void authenticHeadersWhoseFieldsDoNotParse() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      int[][] pokes = {
        {8, 0, 9, 2}, // version 2
        {10, 0}, // algorithm 0
        {10, 4}, // algorithm 4
        {11, 11}, // block shift 11
        {11, 21}, // block shift 21
        {72, 0}, // alias length 0
        {72, 129}, // alias length 129
        {73 + 6, 1}, // padding after the alias
        {200, 1}, // the last padding byte
        {209, 1}, // reserved
        {223, 1}, // reserved
        {73, 0xff, 72, 1}, // an alias that is not UTF-8
      };
      for (int[] poke : pokes) {
        SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
        HeaderFields h = e.header(root.keys.masterKey("master"), "master");
        h.pokes = poke;
        byte[] raw = e.closedFile(h, bytes(10), 1, 0);
        assertDamaged(root, "poke-" + poke[0] + "-" + poke[1], raw, -1);
      }
    }
  }
}
