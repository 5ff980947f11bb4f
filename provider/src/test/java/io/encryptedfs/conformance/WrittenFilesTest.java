package io.encryptedfs.conformance;

import static io.encryptedfs.conformance.SpecChecks.OPEN_RUNWAY;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.conformance.SpecDecoder.Decoded;
import io.encryptedfs.conformance.SpecDecoder.Tail;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written through the public API in many states, decoded from their raw bytes by {@link
 * SpecDecoder} (built from FORMAT.md alone): the cleartext must be what was written, and every
 * field the document specifies must hold.
 */
class WrittenFilesTest {
  private static final String[] ALGORITHMS = {"AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305"};
  private final Random random = new Random(20261205);

  static Stream<Arguments> algorithmsAndBlockSizes() {
    return Stream.of(ALGORITHMS)
        .flatMap(a -> Stream.of(4096, 65536, 1 << 20).map(b -> Arguments.of(a, b)));
  }

  @ParameterizedTest
  @MethodSource("algorithmsAndBlockSizes")
  void sizesAroundBlockBoundaries(String algorithm, int b) throws Exception {
    int[] sizes =
        b == 1 << 20
            ? new int[] {0, 1, b - 1, b + 1}
            : new int[] {0, 1, b - 1, b, b + 1, 2 * b - 1, 2 * b, 3 * b + 17};
    try (ConformanceRoot root = new ConformanceRoot(algorithm, b)) {
      for (int size : sizes) {
        String name = "f" + size;
        byte[] content = bytes(size);
        write(root, name, content);
        Decoded d = root.decode(name);
        SpecChecks.wellFormed(d, root.algorithmId, b, "master");
        SpecChecks.closed(d, content);
        assertEquals(0, d.header().generation(), "generation 0 when created");
        assertEquals(1, SpecChecks.nonces(d).size(), "one writer session, one key salt");
        assertArrayEquals(content, Files.readAllBytes(root.path(name)));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("algorithmsAndBlockSizes")
  void rootMarker(String algorithm, int b) throws Exception {
    try (ConformanceRoot root = new ConformanceRoot(algorithm, b)) {
      Decoded d = root.decode(".encryptedfs");
      SpecChecks.wellFormed(d, root.algorithmId, b, "master");
      String text =
          "encryptedfs root\nformat.version=1\nalgorithm=" + algorithm + "\nblock.size=" + b + "\n";
      SpecChecks.closed(d, text.getBytes(StandardCharsets.UTF_8));
      // Created, forced, then closed: the closing record is not the forced one (section 7, item 3).
      assertEquals(SpecChecks.newest(d).sequence() - 1, d.header().forcedSequence());
    }
  }

  @Test
  void forcesRewriteTheOtherHeaderSlotNamingTheForcedRecord() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", 4096)) {
      Path file = root.path("f");
      byte[] content = new byte[0];
      try (FileChannel ch = FileChannel.open(file, CREATE_NEW, WRITE)) {
        Decoded created = root.decode("f");
        // The creation's own force made the first record durable.
        SpecChecks.forced(created);
        int newestSlot = created.header().slot();
        for (int round = 0; round < 6; round++) {
          byte[] more = bytes(1500 + 977 * round);
          ch.write(ByteBuffer.wrap(more));
          content = concat(content, more);
          byte[] before = root.rawBytes("f");
          ch.force(round % 2 == 0);
          Decoded d = root.decode("f");
          SpecChecks.open(d, content, OPEN_RUNWAY);
          SpecChecks.forced(d);
          assertEquals(1 - newestSlot, d.header().slot(), "the slot not holding the newest");
          byte[] after = root.rawBytes("f");
          int kept = newestSlot * 256;
          assertArrayEquals(
              Arrays.copyOfRange(before, kept, kept + 256),
              Arrays.copyOfRange(after, kept, kept + 256),
              "the newest header slot is never overwritten");
          newestSlot = d.header().slot();
          ch.force(true);
          assertArrayEquals(after, root.rawBytes("f"), "a force with nothing newer writes nothing");
        }
      }
      Decoded d = root.decode("f");
      SpecChecks.closed(d, content);
      assertEquals(
          SpecChecks.newest(d).sequence() - 1,
          d.header().forcedSequence(),
          "a file forced and then closed: its closing record is not the forced one");
      root.closeFileSystem();
      assertEquals(d.header().forcedSequence(), root.decode("f").header().forcedSequence());
    }
  }

  /**
   * Section 8: {@code create.sync=false} writes the same front region, and differs only in when the
   * first force, with its header rewrite, comes: both header slots alike until then.
   */
  @Test
  void unforcedCreationDefersOnlyTheFirstForce() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", 4096)) {
      root.closeFileSystem();
      root.settings.put(EncryptedFileSystems.CREATE_SYNC, "false");
      root.reopen();
      try (FileChannel ch = FileChannel.open(root.path("f"), CREATE_NEW, WRITE)) {
        Decoded d = root.decode("f");
        SpecChecks.wellFormed(d, root.algorithmId, 4096, "master");
        assertArrayEquals(d.headers()[0].bytes(), d.headers()[1].bytes(), "slots written alike");
        assertEquals(0, d.header().forcedSequence(), "nothing forced yet");
        assertEquals(1, d.chosen().sequence());
        ch.force(true);
        SpecChecks.forced(root.decode("f"));
      }
      FileChannel.open(root.path("g"), CREATE_NEW, WRITE).close();
      assertEquals(0, root.decode("g").header().forcedSequence());
      root.closeFileSystem();
      Decoded g = root.decode("g");
      SpecChecks.closed(g, new byte[0]);
      SpecChecks.forced(g);
    }
  }

  /**
   * Setting the time of a file that a reader holds open and a writer wrote without a force forces
   * it through the open file, which records the forced sequence as a channel's force does, before
   * the time is set: the time stays.
   */
  @Test
  void settingTheTimeOfAnOpenUnforcedFileRecordsItsForceFirst() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", 4096)) {
      byte[] content = bytes(9000);
      FileTime time = FileTime.fromMillis(1_600_000_000_000L);
      write(root, "f", new byte[0]);
      try (FileChannel reader = FileChannel.open(root.path("f"), READ)) {
        try (FileChannel ch = FileChannel.open(root.path("f"), WRITE)) {
          ch.write(ByteBuffer.wrap(content));
        }
        Decoded written = root.decode("f");
        assertTrue(
            written.header().forcedSequence() < SpecChecks.newest(written).sequence(),
            "not forced by the writer's close");
        Files.setLastModifiedTime(root.path("f"), time);
        Decoded d = root.decode("f");
        assertArrayEquals(content, d.cleartext());
        SpecChecks.forced(d);
        assertEquals(time, Files.getLastModifiedTime(root.path("f")));
        assertEquals(content.length, reader.size());
      }
    }
  }

  @Test
  void fileSystemCloseForcesTheClosingRecord() throws Exception {
    try (ConformanceRoot root = new ConformanceRoot("AES-128-GCM", 4096)) {
      byte[] content = bytes(9000);
      write(root, "f", content);
      assertTrue(root.decode("f").header().forcedSequence() < 3, "not forced by the close");
      root.closeFileSystem();
      Decoded d = root.decode("f");
      SpecChecks.closed(d, content);
      SpecChecks.forced(d);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void appendingInALaterSessionOpensARunwayFromTheOldEnd(String algorithm) throws Exception {
    int b = 4096;
    try (ConformanceRoot root = new ConformanceRoot(algorithm, b)) {
      byte[] content = bytes(2 * b + 100);
      write(root, "f", content);
      Decoded first = root.decode("f");
      long closing = first.chosen().sequence();
      assertTrue(first.header().forcedSequence() < closing, "closed, not forced");
      Tail runway = null;
      try (FileChannel ch = FileChannel.open(root.path("f"), WRITE, APPEND)) {
        for (int i = 0; i < 4; i++) {
          byte[] more = bytes(1700);
          ch.write(ByteBuffer.wrap(more));
          content = concat(content, more);
          Decoded d = root.decode("f");
          SpecChecks.wellFormed(d, root.algorithmId, b, "master");
          // Section 8: the newest record was not the forced one, so the session forced first.
          assertTrue(d.header().forcedSequence() >= closing, "forced before the first write");
          SpecChecks.otherSalt(first.chosen().nonce(), d.chosen().nonce());
          if (content.length / b == 2) {
            SpecChecks.open(d, content, 2);
            continue;
          }
          // Step 1: before the first home block past k + a = 2, a record of the old content with
          // the open runway, forced; later records end their runway where it does.
          if (runway == null) {
            runway = record(d, d.chosen().sequence() - 1);
            assertEquals(2, runway.homeBlocks());
            assertEquals(OPEN_RUNWAY, runway.allowance());
            assertEquals(runway.sequence(), d.header().forcedSequence(), "the runway is forced");
            SpecChecks.sameSalt(runway.nonce(), d.chosen().nonce());
          }
          SpecChecks.open(d, content, 2 + OPEN_RUNWAY);
          assertTrue(SpecChecks.counter(d.chosen().nonce()) > SpecChecks.counter(runway.nonce()));
        }
      }
      assertTrue(runway != null, "the appends crossed a block boundary");
      Decoded d = root.decode("f");
      SpecChecks.closed(d, content);
      assertEquals(2, SpecChecks.nonces(d).size(), "two sessions, two key salts");
    }
  }

  static Stream<Arguments> algorithmsAndSmallBlockSizes() {
    return Stream.of(ALGORITHMS).flatMap(a -> Stream.of(4096, 65536).map(b -> Arguments.of(a, b)));
  }

  @ParameterizedTest
  @MethodSource("algorithmsAndSmallBlockSizes")
  void overwriteInTheMiddleRewritesOnlyItsBlocks(String algorithm, int b) throws Exception {
    try (ConformanceRoot root = new ConformanceRoot(algorithm, b)) {
      byte[] content = bytes(3 * b + 100);
      write(root, "f", content);
      Decoded before = root.decode("f");
      byte[] old = root.rawBytes("f");
      byte[] patch = bytes(b / 2);
      int at = b + b * 3 / 4;
      try (FileChannel ch = FileChannel.open(root.path("f"), WRITE)) {
        ch.write(ByteBuffer.wrap(patch), at);
        System.arraycopy(patch, 0, content, at, patch.length);
        Decoded d = root.decode("f");
        assertArrayEquals(content, d.cleartext());
      }
      Decoded d = root.decode("f");
      SpecChecks.wellFormed(d, root.algorithmId, b, "master");
      SpecChecks.closed(d, content);
      assertArrayEquals(before.homes().get(0).nonce(), d.homes().get(0).nonce(), "untouched");
      SpecChecks.otherSalt(before.homes().get(1).nonce(), d.homes().get(1).nonce());
      SpecChecks.sameSalt(d.homes().get(1).nonce(), d.homes().get(2).nonce());
      assertNotEquals(
          SpecChecks.counter(d.homes().get(1).nonce()),
          SpecChecks.counter(d.homes().get(2).nonce()));
      long front = d.front();
      byte[] raw = root.rawBytes("f");
      assertArrayEquals(
          Arrays.copyOfRange(old, (int) front, (int) front + b + 40),
          Arrays.copyOfRange(raw, (int) front, (int) front + b + 40),
          "home block 0 is not rewritten");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5, 4096, 4096 + 5, 2 * 4096})
  void truncationForcesTheShorterRecordAndShrinks(int newSize) throws Exception {
    int b = 4096;
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", b)) {
      byte[] content = bytes(3 * b + 100);
      write(root, "f", content);
      byte[] shorter = Arrays.copyOf(content, newSize);
      try (FileChannel ch = FileChannel.open(root.path("f"), WRITE)) {
        ch.truncate(newSize);
        Decoded d = root.decode("f");
        assertArrayEquals(shorter, d.cleartext());
        SpecChecks.forced(d);
        assertEquals(d.expectedRawLength(), d.rawLength(), "the raw file shrank");
      }
      Decoded d = root.decode("f");
      SpecChecks.wellFormed(d, root.algorithmId, b, "master");
      SpecChecks.closed(d, shorter);
    }
  }

  /**
   * Section 8, step 1: a session on a closed file keeps its end as the runway's, so its records
   * carry {@code a = R - k} with {@code R} the closed file's {@code k}, not the open runway: a
   * truncation raises {@code a} as it lowers {@code k}, and appended raw blocks stay reported.
   */
  @Test
  void aSessionOnAClosedFileKeepsItsEndUntilItGrows() throws Exception {
    int b = 4096;
    try (ConformanceRoot root = new ConformanceRoot("AES-256-GCM", b)) {
      byte[] content = bytes(3 * b + 10);
      write(root, "f", content);
      try (FileChannel ch = FileChannel.open(root.path("f"), WRITE)) {
        ch.write(ByteBuffer.wrap(bytes(20)), 5);
        Decoded d = root.decode("f");
        assertEquals(3, d.chosen().homeBlocks());
        assertEquals(0, d.chosen().allowance(), "R = 3");
        ch.truncate(b + 7);
        d = root.decode("f");
        assertEquals(1, d.chosen().homeBlocks());
        assertEquals(2, d.chosen().allowance(), "R = 3 still");
        ch.write(ByteBuffer.wrap(bytes(3 * b)), b + 7);
        d = root.decode("f");
        assertEquals(4, d.chosen().homeBlocks());
        assertEquals(1 + OPEN_RUNWAY - 4, d.chosen().allowance(), "R = 1 + 2^31 - 1");
      }
    }
  }

  @Test
  void aRootOnTheDefaultFileSystem(@TempDir Path dir) throws Exception {
    int b = 4096;
    try (ConformanceRoot root = new ConformanceRoot(dir.resolve("root"), "AES-256-GCM", b)) {
      byte[] content = bytes(5 * b + 7);
      try (FileChannel ch = FileChannel.open(root.path("f"), CREATE_NEW, WRITE)) {
        ch.write(ByteBuffer.wrap(content, 0, 3 * b));
        ch.force(true);
        ch.write(ByteBuffer.wrap(content, 3 * b, 2 * b + 7));
        SpecChecks.open(root.decode("f"), content, OPEN_RUNWAY);
      }
      root.closeFileSystem();
      Decoded d = root.decode("f");
      SpecChecks.wellFormed(d, root.algorithmId, b, "master");
      SpecChecks.closed(d, content);
      SpecChecks.forced(d);
    }
  }

  /** The record of {@code sequence}, which must be on disk. */
  private static Tail record(Decoded d, long sequence) {
    for (Tail t : d.tails()) {
      if (t != null && t.sequence() == sequence) {
        return t;
      }
    }
    throw new AssertionError("no record of sequence " + sequence);
  }

  static void write(ConformanceRoot root, String name, byte[] content) throws Exception {
    try (FileChannel ch = FileChannel.open(root.path(name), CREATE_NEW, WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
    }
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    return SpecCrypto.concat(a, b);
  }
}
