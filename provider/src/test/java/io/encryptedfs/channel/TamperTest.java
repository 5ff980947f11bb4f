package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.channel.TamperedFiles.Fixture;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alters the raw bytes of closed encrypted files, in the style of Tink's {@code
 * testModifiedCiphertext}, and reopens and reads them whole. The invariant: a read either returns
 * exactly the content that was written or throws an {@link IOException} naming the file (and the
 * damaged block when it names one) — never other bytes.
 *
 * <p>Two documented exceptions to "never other bytes", both rollbacks to an earlier authentic state
 * of the same file that the format cannot tell from a crash: replacing the whole raw file with an
 * older copy, and, for a file whose newest data was never forced, destroying the newest tail record
 * so that the previous record wins (see {@link
 * TamperRollbackTest#damagedNewestTailRecordOfAnUnforcedFileFallsBackToThePreviousRecord}). {@link
 * TamperTransplantTest} swaps sealed units within a file and brings them from another.
 */
class TamperTest {
  private final TamperedFiles files = new TamperedFiles();

  @AfterEach
  void closeAll() throws Exception {
    files.close();
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      for (int b : new int[] {4096, 16384}) {
        for (int size : new int[] {0, 1, b - 1, b, b + 1, 3 * b + 17}) {
          cases.add(Arguments.of(alg, b, size));
        }
      }
    }
    return cases.stream();
  }

  /** Raw byte offsets to alter: every field of both header slots, tail slots and home blocks. */
  private static TreeSet<Long> flipOffsets(Fixture f) {
    Geometry g = f.g;
    TreeSet<Long> at = new TreeSet<>();
    for (int base : new int[] {0, 256}) {
      // magic, version, algorithm, shift, generation; then samples of file id, wrapped key,
      // alias length and alias, padding, reserved bytes and MAC.
      for (int i = 0; i < 16; i++) {
        at.add((long) base + i);
      }
      for (int i :
          new int[] {
            16, 23, 31, 32, 45, 71, 72, 73, 76, 78, 79, 120, 200, 201, 223, 224, 240, 255
          }) {
        at.add((long) base + i);
      }
    }
    for (int s = 0; s < Geometry.TAIL_SLOTS; s++) {
      long slot = g.tailSlotOffset(s);
      TailRecord r = f.record(s);
      int length = r == null ? 0 : r.length();
      long sealedEnd = slot + Geometry.TAIL_META_SIZE + Geometry.BLOCK_OVERHEAD + length;
      // Metadata and nonce in full.
      for (long o = slot; o < slot + 48; o++) {
        at.add(o);
      }
      // Ciphertext: in full for short tails, else both ends and a stride through the middle.
      long ct = slot + 48;
      for (long o = ct; o < ct + length; o++) {
        if (length <= 96 || o < ct + 32 || o >= ct + length - 32 || (o - ct) % 509 == 0) {
          at.add(o);
        }
      }
      // Tag in full, then unused padding after the record and the slot's last byte.
      for (long o = sealedEnd - 16; o < sealedEnd; o++) {
        at.add(o);
      }
      if (sealedEnd < slot + g.tailSlotSize()) {
        at.add(sealedEnd);
      }
      at.add(slot + g.tailSlotSize() - 1);
    }
    long homeBlocks = g.homeBlocks(f.content.length);
    int b = g.blockSize();
    for (long i = 0; i < homeBlocks; i++) {
      long h = g.homeOffset(i);
      for (long o :
          new long[] {
            0, 7, 15, 16, 23, 24, 25, 24 + b / 2, 24 + b - 1, 24 + b, 24 + b + 8, 24 + b + 15
          }) {
        at.add(h + o);
      }
    }
    return at;
  }

  @ParameterizedTest(name = "{0} B={1} size={2}")
  @MethodSource("cases")
  void everyFlippedBitIsRejectedOrHarmless(String alg, int b, int size) throws IOException {
    Fixture f = files.jimfsFixture(alg, b, size);
    Geometry g = f.g;
    int newest = f.newestSlot();
    long newestStart = g.tailSlotOffset(newest);
    long newestEnd =
        newestStart + Geometry.TAIL_META_SIZE + Geometry.BLOCK_OVERHEAD + f.record(newest).length();
    int thrown = 0;
    try (FileChannel ch =
        FileChannel.open(f.raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (long offset : flipOffsets(f)) {
        byte original = f.rawBytes[(int) offset];
        boolean inHome = offset >= g.frontSize();
        long block = inHome ? (offset - g.frontSize()) / g.sealedBlockSize() : -1;
        boolean inNewest = offset >= newestStart && offset < newestEnd;
        for (int bit = 0; bit < 8; bit++) {
          ch.write(ByteBuffer.wrap(new byte[] {(byte) (original ^ (1 << bit))}), offset);
          String what = "bit " + bit + " of raw byte " + offset;
          // The file was forced, so its header names the newest record: damage there is reported
          // rather than answered with the previous record.
          IOException e = f.check(what, block);
          if (inHome || inNewest) {
            // Every home block holds content, so damage to one must always be caught.
            assertTrue(e != null, what + ": damaged home block or newest tail record was read");
          }
          if (e != null) {
            thrown++;
          }
        }
        ch.write(ByteBuffer.wrap(new byte[] {original}), offset);
      }
    }
    assertArrayEquals(f.rawBytes, Files.readAllBytes(f.raw));
    assertArrayEquals(f.content, Files.readAllBytes(f.file));
    assertTrue(thrown > 0, "no alteration was detected at all");
  }

  @ParameterizedTest(name = "{0} B={1} size={2}")
  @MethodSource("cases")
  void everyTruncationIsReported(String alg, int b, int size) throws IOException {
    Fixture f = files.jimfsFixture(alg, b, size);
    Geometry g = f.g;
    int rawLength = f.rawBytes.length;
    TreeSet<Long> cuts = new TreeSet<>();
    if (rawLength <= 13_000) {
      for (long t = 0; t < rawLength; t++) {
        cuts.add(t);
      }
    } else {
      for (long t = 0; t <= 600; t++) {
        cuts.add(t);
      }
      List<Long> edges = new ArrayList<>(List.of(g.frontSize(), (long) rawLength));
      for (int s = 0; s < Geometry.TAIL_SLOTS; s++) {
        edges.add(g.tailSlotOffset(s));
      }
      for (long i = 0; i <= g.homeBlocks(size); i++) {
        edges.add(g.homeOffset(i));
      }
      for (long e : edges) {
        for (long d = -3; d <= 3; d++) {
          cuts.add(e + d);
        }
      }
      for (long t = 0; t < rawLength; t += 997) {
        cuts.add(t);
      }
      cuts.removeIf(t -> t < 0 || t >= rawLength);
    }
    for (long t : cuts) {
      f.cutTo(t);
      long block = t >= g.frontSize() ? (t - g.frontSize()) / g.sealedBlockSize() : -1;
      f.mustThrow("truncated to " + t, block);
    }
    f.restore();
    assertArrayEquals(f.content, Files.readAllBytes(f.file));
  }

  @ParameterizedTest(name = "{0} B={1} size={2}")
  @MethodSource("cases")
  void appendedBytesAreReported(String alg, int b, int size) throws IOException {
    Fixture f = files.jimfsFixture(alg, b, size);
    Geometry g = f.g;
    List<byte[]> suffixes = new ArrayList<>();
    suffixes.add(new byte[1]);
    suffixes.add(new byte[] {(byte) 0xFF});
    suffixes.add(new byte[Geometry.BLOCK_OVERHEAD]);
    suffixes.add(new byte[g.sealedBlockSize()]);
    suffixes.add(new byte[3 * g.sealedBlockSize() + 5]);
    // A genuine sealed unit of this very file: a home block if there is one, else the newest
    // tail slot, appended where the next home block would go.
    long from = g.homeBlocks(size) > 0 ? g.homeOffset(0) : g.tailSlotOffset(f.newestSlot());
    suffixes.add(Arrays.copyOfRange(f.rawBytes, (int) from, (int) from + g.sealedBlockSize()));
    for (byte[] suffix : suffixes) {
      byte[] longer = Arrays.copyOf(f.rawBytes, f.rawBytes.length + suffix.length);
      System.arraycopy(suffix, 0, longer, f.rawBytes.length, suffix.length);
      Files.write(f.raw, longer);
      f.mustThrow(suffix.length + " bytes appended", -1);
    }
  }

  @Test
  void realDiskSubset(@TempDir Path tmp) throws IOException {
    // The same checks through the default file system: FileChannel on a real file behaves
    // differently from Jimfs at EOF and on short reads.
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      Path dir = tmp.resolve(alg);
      Fixture f = files.fixture(dir, new InMemoryKeys("master"), alg, 4096, 2 * 4096 + 17, 5);
      Geometry g = f.g;
      for (long i = 0; i < 2; i++) {
        for (long o : new long[] {0, 23, 24, 24 + 2048, 4096 + 23, 4096 + 39}) {
          byte[] bad = f.rawBytes.clone();
          bad[(int) (g.homeOffset(i) + o)] ^= 0x40;
          Files.write(f.raw, bad);
          f.mustThrow(alg + " home block " + i + " byte " + o, i);
        }
      }
      for (long t :
          new long[] {
            0,
            7,
            511,
            512,
            g.frontSize() - 1,
            g.frontSize(),
            g.homeOffset(1) + 100,
            f.rawBytes.length - 1
          }) {
        f.cutTo(t);
        f.mustThrow(
            alg + " truncated to " + t,
            t >= g.frontSize() ? (t - g.frontSize()) / g.sealedBlockSize() : -1);
      }
      Files.write(f.raw, Arrays.copyOf(f.rawBytes, f.rawBytes.length + 1));
      f.mustThrow(alg + " one byte appended", -1);
      f.restore();
      assertArrayEquals(f.content, Files.readAllBytes(f.file));
      // Reading twice in a row on one thread (regression for the ChaCha20 re-init refusal).
      assertArrayEquals(f.content, Files.readAllBytes(f.file));
    }
  }
}
