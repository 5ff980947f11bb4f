package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.format.FormatException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailCodec;
import io.encryptedfs.format.TailRecord;
import io.encryptedfs.keystore.UnknownKeyAliasException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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
 * #damagedNewestTailRecordOfAnUnforcedFileFallsBackToThePreviousRecord}).
 */
class TamperTest {
  private static final String NAME = "f.bin";
  private static final String PATH = "/" + NAME;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    // Encrypted roots before the Jimfs instances under them.
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
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

  /** One encrypted root over {@code dir} holding {@code /f.bin} with seeded random content. */
  private final class Fixture {
    final Path dir;
    final FileSystem fs;
    final Path file;
    final Path raw;
    final Geometry g;
    final byte[] content;
    final byte[] rawBytes;

    Fixture(Path dir, InMemoryKeys keys, String alg, int blockSize, int size, long seed)
        throws IOException {
      this(dir, keys, alg, blockSize, size, seed, true);
    }

    /**
     * Writes the file with {@code Files.write} and, when {@code forced}, forces it: a forced file's
     * header names its durable tail record, so damage to that record is reported.
     */
    Fixture(
        Path dir, InMemoryKeys keys, String alg, int blockSize, int size, long seed, boolean forced)
        throws IOException {
      this.dir = dir;
      this.fs = TestRoots.open(dir, keys, alg, blockSize);
      toClose.add(fs);
      this.file = fs.getPath(PATH);
      this.raw = dir.resolve(NAME);
      this.g = Geometry.ofBlockSize(blockSize);
      this.content = new byte[size];
      new Random(seed).nextBytes(content);
      Files.write(file, content);
      if (forced) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
      this.rawBytes = Files.readAllBytes(raw);
      // A cleanly closed file is exactly its front region and its full home blocks.
      assertEquals(g.rawLength(g.homeBlocks(size)), rawBytes.length);
      assertArrayEquals(content, Files.readAllBytes(file));
    }

    /** The slot holding the newest tail record of the untouched file. */
    int newestSlot() {
      int best = -1;
      long bestSeq = 0;
      for (int s = 0; s < Geometry.TAIL_SLOTS; s++) {
        TailRecord r = record(s);
        if (r != null && r.sequence() > bestSeq) {
          best = s;
          bestSeq = r.sequence();
        }
      }
      return best;
    }

    /** The record whose metadata slot {@code s} holds in the untouched file, or null. */
    TailRecord record(int s) {
      try {
        return TailCodec.decode(
            ByteBuffer.wrap(rawBytes, (int) g.tailSlotOffset(s), Geometry.TAIL_META_SIZE), g);
      } catch (FormatException e) {
        return null;
      }
    }

    void restore() throws IOException {
      Files.write(raw, rawBytes);
    }

    /**
     * Reads the file whole: the content must be {@code expected} or one of {@code alsoAllowed},
     * or an IOException naming the file must be thrown, which when it names a block names {@code
     * damagedBlock}. Returns the exception, or null.
     */
    IOException check(String what, long damagedBlock) {
      byte[] got;
      try {
        got = Files.readAllBytes(file);
      } catch (IOException e) {
        assertWellFormed(what, e, damagedBlock);
        return e;
      } catch (RuntimeException e) {
        throw new AssertionError(what + ": unexpected " + e, e);
      }
      if (Arrays.equals(content, got)) {
        return null;
      }
      fail(what + ": returned " + got.length + " bytes of other content (wrote " + content.length
          + ")");
      return null;
    }

    IOException mustThrow(String what, long damagedBlock) {
      IOException e = check(what, damagedBlock);
      if (e == null) {
        fail(what + ": read succeeded");
      }
      return e;
    }
  }

  private static void assertWellFormed(String what, IOException e, long damagedBlock) {
    String m = String.valueOf(e.getMessage());
    assertTrue(m.contains(PATH), what + ": message does not name the file: " + m);
    assertTrue(
        e instanceof DamagedFileException
            || e instanceof KeyMismatchException
            || e instanceof UnknownKeyAliasException,
        what + ": unexpected exception type " + e);
    if (e instanceof DamagedFileException d) {
      assertEquals(PATH, d.path(), what);
      if (d.block() >= 0 || damagedBlock >= 0) {
        assertEquals(damagedBlock, d.block(), what + ": wrong block in " + m);
      }
    }
  }

  private Fixture jimfsFixture(String alg, int b, int size) throws IOException {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    toClose.add(jimfs);
    return new Fixture(jimfs.getPath("/data"), new InMemoryKeys("master"), alg, b, size, size);
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
      for (int i : new int[] {16, 23, 31, 32, 45, 71, 72, 73, 76, 78, 79, 120, 200, 201, 223, 224,
          240, 255}) {
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
      for (long o : new long[] {0, 7, 15, 16, 23, 24, 25, 24 + b / 2, 24 + b - 1, 24 + b,
          24 + b + 8, 24 + b + 15}) {
        at.add(h + o);
      }
    }
    return at;
  }

  @ParameterizedTest(name = "{0} B={1} size={2}")
  @MethodSource("cases")
  void everyFlippedBitIsRejectedOrHarmless(String alg, int b, int size) throws IOException {
    Fixture f = jimfsFixture(alg, b, size);
    Geometry g = f.g;
    int newest = f.newestSlot();
    long newestStart = g.tailSlotOffset(newest);
    long newestEnd =
        newestStart + Geometry.TAIL_META_SIZE + Geometry.BLOCK_OVERHEAD + f.record(newest).length();
    int thrown = 0;
    try (FileChannel ch = FileChannel.open(f.raw, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
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
    Fixture f = jimfsFixture(alg, b, size);
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
      Files.write(f.raw, Arrays.copyOf(f.rawBytes, (int) t));
      long block = t >= g.frontSize() ? (t - g.frontSize()) / g.sealedBlockSize() : -1;
      f.mustThrow("truncated to " + t, block);
    }
    f.restore();
    assertArrayEquals(f.content, Files.readAllBytes(f.file));
  }

  @ParameterizedTest(name = "{0} B={1} size={2}")
  @MethodSource("cases")
  void appendedBytesAreReported(String alg, int b, int size) throws IOException {
    Fixture f = jimfsFixture(alg, b, size);
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
  void swappedAndTransplantedUnitsAreReported() throws IOException {
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      for (int b : new int[] {4096, 16384}) {
        FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        toClose.add(jimfs);
        InMemoryKeys keys = new InMemoryKeys("master");
        int size = 3 * b + 17;
        Fixture f = new Fixture(jimfs.getPath("/data"), keys, alg, b, size, 1);
        // Another file under the same master key, same size and block size.
        Fixture other = new Fixture(jimfs.getPath("/other"), keys, alg, b, size, 2);
        Geometry g = f.g;
        int sealed = g.sealedBlockSize();
        String ctx = alg + " B=" + b + ": ";

        byte[] swapped = f.rawBytes.clone();
        copy(f.rawBytes, g.homeOffset(2), swapped, g.homeOffset(0), sealed);
        copy(f.rawBytes, g.homeOffset(0), swapped, g.homeOffset(2), sealed);
        Files.write(f.raw, swapped);
        f.mustThrow(ctx + "home blocks 0 and 2 swapped", 0);

        byte[] swapped01 = f.rawBytes.clone();
        copy(f.rawBytes, g.homeOffset(1), swapped01, g.homeOffset(0), sealed);
        copy(f.rawBytes, g.homeOffset(0), swapped01, g.homeOffset(1), sealed);
        Files.write(f.raw, swapped01);
        f.mustThrow(ctx + "home blocks 0 and 1 swapped", 0);

        for (long i = 0; i < 3; i++) {
          byte[] mixed = f.rawBytes.clone();
          copy(other.rawBytes, g.homeOffset(i), mixed, g.homeOffset(i), sealed);
          Files.write(f.raw, mixed);
          f.mustThrow(ctx + "home block " + i + " from another file", i);
        }

        // One tail slot from the other file: its record cannot authenticate here, so the reader
        // either uses another of this file's records (same content) or fails.
        for (int s = 0; s < Geometry.TAIL_SLOTS; s++) {
          byte[] mixed = f.rawBytes.clone();
          copy(other.rawBytes, g.tailSlotOffset(s), mixed, g.tailSlotOffset(s), g.tailSlotSize());
          Files.write(f.raw, mixed);
          f.check(ctx + "tail slot " + s + " from another file", -1);
        }
        // All three tail slots from the other file: no record of this file is left.
        byte[] tails = f.rawBytes.clone();
        copy(other.rawBytes, 512, tails, 512, (int) (g.frontSize() - 512));
        Files.write(f.raw, tails);
        f.mustThrow(ctx + "all tail slots from another file", -1);

        // Both header slots from the other file: it authenticates, but it is the other file's key
        // and id, under which none of this file's records open.
        byte[] header = f.rawBytes.clone();
        copy(other.rawBytes, 0, header, 0, 512);
        Files.write(f.raw, header);
        f.mustThrow(ctx + "header from another file", -1);

        f.restore();
        assertArrayEquals(f.content, Files.readAllBytes(f.file));
      }
    }
  }

  @Test
  void rollbackOfTheWholeFileIsNotDetectable() throws IOException {
    // The format's stated exception: nothing binds a file to its latest version, so an older
    // complete copy of the raw file reads back as that older content without any error.
    Fixture f = jimfsFixture("AES-256-GCM", 4096, 3 * 4096 + 17);
    byte[] newer = new byte[5000];
    new Random(9).nextBytes(newer);
    Files.write(f.file, newer);
    assertArrayEquals(newer, Files.readAllBytes(f.file));
    f.restore();
    assertArrayEquals(f.content, Files.readAllBytes(f.file));
  }

  @Test
  void damagedNewestTailRecordOfAnUnforcedFileFallsBackToThePreviousRecord() throws IOException {
    // Known limitation, like rollback: for data never forced, the reader takes the newest
    // *authentic* tail record, which is what makes a torn tail write survivable. Damage to that
    // record is indistinguishable from such a tear, so a small unforced file (content only in its
    // tail) reads back as an earlier authentic state with no error: here the record written before
    // the close (the close's own record only ended the runway), so a prefix of what was written.
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
      toClose.add(jimfs);
      Fixture f =
          new Fixture(jimfs.getPath("/data"), new InMemoryKeys("master"), alg, 4096, 100, 3, false);
      long tag = f.g.tailSlotOffset(f.newestSlot()) + 48 + 100;
      byte[] bad = f.rawBytes.clone();
      bad[(int) tag] ^= 1;
      Files.write(f.raw, bad);
      byte[] got = Files.readAllBytes(f.file);
      assertArrayEquals(Arrays.copyOf(f.content, got.length), got, alg);
    }
  }

  @Test
  void damagedNewestTailRecordOfAForcedFileIsReported() throws IOException {
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      Fixture f = jimfsFixture(alg, 4096, 100);
      long tag = f.g.tailSlotOffset(f.newestSlot()) + 48 + 100;
      byte[] bad = f.rawBytes.clone();
      bad[(int) tag] ^= 1;
      Files.write(f.raw, bad);
      f.mustThrow(alg + " newest tail record's tag flipped", -1);
    }
  }

  @Test
  void realDiskSubset(@TempDir Path tmp) throws IOException {
    // The same checks through the default file system: FileChannel on a real file behaves
    // differently from Jimfs at EOF and on short reads.
    for (String alg : new String[] {"AES-256-GCM", "CHACHA20-POLY1305"}) {
      Path dir = tmp.resolve(alg);
      Fixture f = new Fixture(dir, new InMemoryKeys("master"), alg, 4096, 2 * 4096 + 17, 5);
      Geometry g = f.g;
      for (long i = 0; i < 2; i++) {
        for (long o : new long[] {0, 23, 24, 24 + 2048, 4096 + 23, 4096 + 39}) {
          byte[] bad = f.rawBytes.clone();
          bad[(int) (g.homeOffset(i) + o)] ^= 0x40;
          Files.write(f.raw, bad);
          f.mustThrow(alg + " home block " + i + " byte " + o, i);
        }
      }
      for (long t : new long[] {0, 7, 511, 512, g.frontSize() - 1, g.frontSize(),
          g.homeOffset(1) + 100, f.rawBytes.length - 1}) {
        Files.write(f.raw, Arrays.copyOf(f.rawBytes, (int) t));
        f.mustThrow(alg + " truncated to " + t,
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

  private static byte[] readOrNull(Fixture f) {
    try {
      return Files.readAllBytes(f.file);
    } catch (IOException e) {
      return null;
    }
  }

  private static void copy(byte[] from, long fromOffset, byte[] to, long toOffset, int n) {
    System.arraycopy(from, (int) fromOffset, to, (int) toOffset, n);
  }
}
