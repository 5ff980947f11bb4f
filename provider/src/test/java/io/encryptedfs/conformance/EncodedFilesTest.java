package io.encryptedfs.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.conformance.SpecDecoder.Decoded;
import io.encryptedfs.conformance.SpecDecoder.SpecException;
import io.encryptedfs.conformance.SpecEncoder.HeaderFields;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files built byte by byte by {@link SpecEncoder} from FORMAT.md, put into a root the provider
 * made: the provider must read exactly the cleartext encoded, and go on from it as a writer.
 */
class EncodedFilesTest extends EncodedFileChecks {
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void providerReadsEncodedFiles(int algorithm) throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      root.keys.add("clé-ünïcödé");
      for (int size : new int[] {0, 1, B - 1, B, B + 1, 3 * B + 5}) {
        for (String alias : new String[] {"master", "clé-ünïcödé", "x".repeat(128)}) {
          if (alias.length() == 128) {
            root.keys.add(alias);
          }
          SpecEncoder e = new SpecEncoder(algorithm, B, random);
          HeaderFields h = e.header(root.keys.masterKey(alias), alias);
          h.generation = 7;
          byte[] content = bytes(size);
          String file = "enc" + algorithm + "-" + size + "-" + alias.length();
          byte[] raw = e.closedFile(h, content, 1 + size % 5, size % 3);
          assertReads(root, file, raw, content);
        }
      }
    }
  }

  @Test
  void largerBlocksAndTheNewestOfSeveralRecords() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      int b = 65536;
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_128_GCM, b, random);
      byte[] content = bytes(2 * b + 300);
      byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 9, 1);
      // Older records, of other sizes, in the other slots.
      SpecEncoder.put(raw, e.tailOffset(0), e.tail(8, 2, 0, bytes(299)));
      SpecEncoder.put(raw, e.tailOffset(2), e.tail(7, 1, 5, bytes(b - 1)));
      assertReads(root, "big", raw, content);
    }
  }

  @Test
  void blocksWithinTheAllowanceAreLeftoversNeverReturned() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] content = bytes(B + 10);
      byte[] closed =
          e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 2, 0);
      byte[] raw = Arrays.copyOf(closed, Math.toIntExact(e.homeOffset(3)) + 17);
      SpecEncoder.put(raw, e.homeOffset(1), e.home(1, bytes(B)));
      SpecEncoder.put(
          raw, e.tailOffset(1), e.tail(3, 1, 3, Arrays.copyOfRange(content, B, B + 10)));
      assertReads(root, "leftovers", raw, content);
      assertEquals(content.length, Files.size(root.path("leftovers")));
    }
  }

  @Test
  void aRecordWhoseBlocksNeverLandedFallsBackToTheOlderRecord() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] older = bytes(100);
      byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), older, 1, 0);
      // Both written while the file was open, under the open runway.
      SpecEncoder.put(raw, e.tailOffset(0), e.tail(1, 0, SpecChecks.OPEN_RUNWAY, older));
      byte[] newer = bytes(2 * B + 50);
      byte[] tail = Arrays.copyOfRange(newer, 2 * B, newer.length);
      SpecEncoder.put(raw, e.tailOffset(1), e.tail(2, 2, SpecChecks.OPEN_RUNWAY, tail));
      // (a) the raw length: neither block landed.
      assertReads(root, "short", raw, older);
      // (b) the blocks are there, but block 0, into which the older record's tail moved, is not.
      byte[] longer = Arrays.copyOf(raw, Math.toIntExact(e.homeOffset(2)));
      SpecEncoder.put(longer, e.homeOffset(1), e.home(1, Arrays.copyOfRange(newer, B, 2 * B)));
      assertReads(root, "unlanded", longer, older);
    }
  }

  /**
   * The fallback weighs only records at or above the forced sequence: a damaged block that an older
   * record's partial tail moved into is reported when read, not taken for a block that never
   * landed, since the forced record already counts it.
   */
  @Test
  void recordsBelowTheForcedSequenceDoNotTakePartInTheFallback() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] content = bytes(B + 20);
      byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 6, 2);
      HeaderFields forced = e.header(root.keys.masterKey("master"), "master");
      forced.forcedSequence = 5;
      SpecEncoder.put(raw, 0, forced.encode());
      SpecEncoder.put(raw, 256, forced.encode());
      SpecEncoder.put(raw, e.tailOffset(0), e.tail(4, 0, SpecChecks.OPEN_RUNWAY, bytes(10)));
      SpecEncoder.put(raw, e.tailOffset(1), e.tail(5, 1, SpecChecks.OPEN_RUNWAY, new byte[0]));
      raw[Math.toIntExact(e.homeOffset(0)) + 30] ^= 1;
      Files.write(root.raw("below"), raw);

      SpecException spec =
          assertThrows(
              SpecException.class, () -> new SpecDecoder(root.masterKeys(), true).decode(raw));
      assertEquals(0, spec.block, spec.getMessage());
      assertEquals(content.length, Files.size(root.path("below")));
      DamagedFileException read =
          assertThrows(DamagedFileException.class, () -> Files.readAllBytes(root.path("below")));
      assertEquals(0, read.block(), read.getMessage());
      assertArrayEquals(raw, root.rawBytes("below"));
    }
  }

  @Test
  void chaChaUnitsSealedWithJdk17sAssociatedDataOpen() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      for (int algorithm :
          new int[] {SpecCrypto.ALG_CHACHA20_POLY1305, SpecCrypto.ALG_AES_256_GCM}) {
        SpecEncoder e = new SpecEncoder(algorithm, B, random);
        e.jdk17Aad = true;
        byte[] content = bytes(2 * B + 5);
        byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 1, 0);
        assertThrows(SpecException.class, () -> new SpecDecoder(root.masterKeys()).decode(raw));
        if (algorithm == SpecCrypto.ALG_CHACHA20_POLY1305) {
          assertReads(root, "legacy-chacha", raw, content);
        } else {
          // Only ChaCha20-Poly1305 units get the second try.
          assertDamaged(root, "legacy-aes", raw, -1);
        }
      }
    }
  }

  @Test
  void theHeaderSlotOfHighestGenerationThenForcedSequenceGoverns() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      root.keys.add("second");
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] content = bytes(B + 1);
      byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 3, 1);
      HeaderFields rewrapped = e.header(root.keys.masterKey("second"), "second");
      rewrapped.generation = 1;
      HeaderFields forcedLater = e.header(root.keys.masterKey("master"), "master");
      forcedLater.forcedSequence = 9;
      SpecEncoder.put(raw, 0, forcedLater.encode());
      SpecEncoder.put(raw, 256, rewrapped.encode());
      // Generation 1 wins over a higher forced sequence of generation 0, which would be damage.
      assertReads(root, "generation", raw, content);
      HeaderFields older = e.header(root.keys.masterKey("master"), "master");
      older.forcedSequence = 2;
      SpecEncoder.put(raw, 256, older.encode());
      // Within one generation the higher forced sequence (9, above every record) wins.
      assertDamaged(root, "forced", raw, -1);
    }
  }

  @Test
  void theProviderGoesOnWritingEncodedFiles() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, random);
      byte[] content = bytes(B + 10);
      byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 2, 0);
      // Leftovers within the allowance: the next write session removes them.
      raw = Arrays.copyOf(raw, Math.toIntExact(e.homeOffset(3)));
      SpecEncoder.put(
          raw, e.tailOffset(1), e.tail(3, 1, 3, Arrays.copyOfRange(content, B, B + 10)));
      assertReads(root, "left", raw, content);
      byte[] more = bytes(B);
      Files.write(root.path("left"), more, StandardOpenOption.APPEND);
      Decoded left = new SpecDecoder(root.masterKeys()).decode(root.rawBytes("left"));
      assertArrayEquals(WrittenFilesTest.concat(content, more), left.cleartext());
      assertEquals(left.expectedRawLength(), left.rawLength(), "leftovers removed");

      // A stale record whose blocks never landed: overwritten before any home block is written.
      byte[] older = bytes(100);
      byte[] stale = e.closedFile(e.header(root.keys.masterKey("master"), "master"), older, 1, 0);
      SpecEncoder.put(stale, e.tailOffset(0), e.tail(1, 0, SpecChecks.OPEN_RUNWAY, older));
      SpecEncoder.put(stale, e.tailOffset(1), e.tail(2, 2, SpecChecks.OPEN_RUNWAY, bytes(50)));
      assertReads(root, "stale", stale, older);
      Files.write(root.path("stale"), more, StandardOpenOption.APPEND);
      Decoded d = new SpecDecoder(root.masterKeys()).decode(root.rawBytes("stale"));
      assertArrayEquals(WrittenFilesTest.concat(older, more), d.cleartext());
      for (SpecDecoder.Tail t : d.tails()) {
        assertTrue(t == null || t.sequence() != 2, "the stale record is gone");
      }
    }
  }

  /** Section 3: a header write goes to the slot not holding the newest valid header. */
  @Test
  void aForceRewritesTheDamagedHeaderSlotNeverTheValidOne() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      for (int damaged = 0; damaged < 2; damaged++) {
        SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_128_GCM, B, random);
        byte[] content = bytes(B + 3);
        byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 4, 1);
        raw[damaged * 256 + 100] ^= 1;
        String name = "header" + damaged;
        assertReads(root, name, raw, content);
        byte[] more = bytes(10);
        try (FileChannel ch = FileChannel.open(root.path(name), StandardOpenOption.APPEND)) {
          ch.write(ByteBuffer.wrap(more));
          ch.force(true);
        }
        byte[] after = root.rawBytes(name);
        int valid = (1 - damaged) * 256;
        assertArrayEquals(
            Arrays.copyOfRange(raw, valid, valid + 256),
            Arrays.copyOfRange(after, valid, valid + 256),
            "the only valid slot is kept");
        Decoded d = new SpecDecoder(root.masterKeys()).decode(after);
        assertEquals(damaged, d.header().slot());
        SpecChecks.forced(d);
        assertArrayEquals(WrittenFilesTest.concat(content, more), d.cleartext());
      }
    }
  }

  @Test
  void oneDamagedHeaderSlotLeavesTheOther() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", B)) {
      for (int slot = 0; slot < 2; slot++) {
        SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_CHACHA20_POLY1305, B, random);
        byte[] content = bytes(B + 3);
        byte[] raw = e.closedFile(e.header(root.keys.masterKey("master"), "master"), content, 1, 2);
        Arrays.fill(raw, slot * 256, slot * 256 + 256, (byte) 0);
        assertReads(root, "slot" + slot, raw, content);
      }
    }
  }
}
