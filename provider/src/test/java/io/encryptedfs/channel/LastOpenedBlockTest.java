package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A block kept after a read of part of it is served again only for the same file, index and sealed
 * bytes: any byte of the unit changed on disk since, or the same unit at another index or in
 * another file, is opened and authenticated as if nothing had been kept.
 */
class LastOpenedBlockTest {
  private static final int BLOCK = 4096;
  private static final int PART = 512;
  private static final Geometry G = Geometry.ofBlockSize(BLOCK);

  @Test
  void servesTheBlockKeptOnlyForItsFileIndexAndEveryByteOfItsUnit() {
    int block = 64;
    byte[] unit = new byte[Geometry.NONCE_SIZE + block + Geometry.TAG_SIZE];
    new Random(1).nextBytes(unit);
    byte[] clear = new byte[block];
    new Random(2).nextBytes(clear);
    // The unit sits inside a larger buffer, as a block of a run does.
    ByteBuffer sealed = ByteBuffer.allocate(unit.length + 20);
    sealed.position(10).put(unit).flip().position(10);
    LastOpenedBlock last = new LastOpenedBlock();
    assertNull(last.cleartext(7, 3, sealed), "nothing kept yet");

    last.openInto(block).put(clear);
    last.keep(7, 3, sealed);
    assertEquals(10, sealed.position(), "keeping moves nothing");
    byte[] kept = last.cleartext(7, 3, sealed);
    assertNotNull(kept);
    assertArrayEquals(clear, Arrays.copyOf(kept, block));
    assertEquals(10, sealed.position(), "looking moves nothing");
    assertEquals(10 + unit.length, sealed.limit());

    assertNull(last.cleartext(8, 3, sealed), "another file's blocks");
    assertNull(last.cleartext(7, 4, sealed), "another index");
    assertNull(last.cleartext(7, 3, sealed.duplicate().limit(sealed.limit() - 1)), "shorter");
    for (int i = 0; i < unit.length; i++) {
      ByteBuffer changed = ByteBuffer.wrap(unit.clone());
      changed.put(i, (byte) (unit[i] ^ 1));
      assertNull(last.cleartext(7, 3, changed), "unit byte " + i + " changed");
    }
    assertNotNull(last.cleartext(7, 3, ByteBuffer.wrap(unit.clone())), "the same bytes elsewhere");

    last.openInto(block);
    assertNull(last.cleartext(7, 3, sealed), "opening another forgets the one kept");
  }

  /** A unit read into the spare buffer is kept as it is; the next spare is another buffer. */
  @Test
  void keepsTheSpareBufferWithoutDisturbingItLater() {
    int block = 64;
    byte[] unit = new byte[Geometry.NONCE_SIZE + block + Geometry.TAG_SIZE];
    new Random(3).nextBytes(unit);
    LastOpenedBlock last = new LastOpenedBlock();
    ByteBuffer spare = last.spare(unit.length);
    spare.put(unit).flip();
    byte[] clear = new byte[block];
    new Random(4).nextBytes(clear);
    last.openInto(block).put(clear);
    last.keep(1, 0, spare);

    ByteBuffer next = last.spare(unit.length);
    assertEquals(unit.length, next.remaining());
    Arrays.fill(next.array(), (byte) 0x5A);
    byte[] kept = last.cleartext(1, 0, ByteBuffer.wrap(unit.clone()));
    assertNotNull(kept, "filling the next spare leaves the unit kept as it was");
    assertArrayEquals(clear, Arrays.copyOf(kept, block));
    assertNull(last.cleartext(1, 0, next), "the next spare's bytes are not the unit");

    // The next block kept from the spare swaps back: the first one is gone, the second served.
    byte[] other = unit.clone();
    other[0] ^= 1;
    next.clear();
    next.put(other).flip();
    last.openInto(block);
    last.keep(1, 0, next);
    assertNull(last.cleartext(1, 0, ByteBuffer.wrap(unit)));
    assertNotNull(last.cleartext(1, 0, ByteBuffer.wrap(other)));
  }

  /**
   * A nonce byte, a ciphertext byte and the tag's last byte of home block 1, changed after a read
   * of part of that block alone, and after a read that ends in it (the last block of a run).
   */
  @ParameterizedTest
  @CsvSource({
    "0, " + BLOCK,
    (Geometry.NONCE_SIZE + 1000) + ", " + BLOCK,
    (Geometry.NONCE_SIZE + BLOCK + 15) + ", " + BLOCK,
    "0, " + (BLOCK - 256),
    (Geometry.NONCE_SIZE + BLOCK + 15) + ", " + (BLOCK - 256)
  })
  void aUnitChangedOnDiskAfterAPartWasReadFailsAuthentication(int at, int firstRead)
      throws Exception {
    byte[] data = randomBytes(3 * BLOCK + 100, at);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), "AES-256-GCM", BLOCK)) {
      Path f = fs.getPath("/f");
      Files.write(f, data);
      Path raw = jimfs.getPath("/d/f");
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        assertPart(data, ch, firstRead);
        long offset = G.homeOffset(1) + at;
        flipByte(raw, offset);
        DamagedFileException e =
            assertThrows(
                DamagedFileException.class, () -> ch.read(ByteBuffer.allocate(PART), BLOCK + PART));
        assertEquals(1, e.block());
        flipByte(raw, offset);
        assertPart(data, ch, BLOCK + 2 * PART);
      }
    }
  }

  /**
   * Home block 1 of one file, read in part (and so kept), copied over home block 1 of a file with
   * the same content and keys' alias, and over home block 2 of its own file: the same bytes at the
   * same index are refused in the other file, and at another index in the same file.
   */
  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void theKeptUnitMovedToAnotherFileOrIndexFailsAuthentication(String algorithm) throws Exception {
    byte[] data = randomBytes(4 * BLOCK, 3);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), algorithm, BLOCK)) {
      Files.write(fs.getPath("/a"), data);
      Files.write(fs.getPath("/b"), data);
      try (FileChannel a = FileChannel.open(fs.getPath("/a"), StandardOpenOption.READ);
          FileChannel b = FileChannel.open(fs.getPath("/b"), StandardOpenOption.READ)) {
        assertPart(data, a, BLOCK);
        byte[] unit = rawUnit(jimfs.getPath("/d/a"), 1);
        putRawUnit(jimfs.getPath("/d/b"), 1, unit);
        putRawUnit(jimfs.getPath("/d/a"), 2, unit);

        assertPart(data, a, BLOCK + PART);
        DamagedFileException other =
            assertThrows(
                DamagedFileException.class, () -> b.read(ByteBuffer.allocate(PART), BLOCK + PART));
        assertEquals(1, other.block());
        assertTrue(other.getMessage().contains("/b"), other.getMessage());
        assertPart(data, a, BLOCK + 2 * PART);
        DamagedFileException moved =
            assertThrows(
                DamagedFileException.class, () -> a.read(ByteBuffer.allocate(PART), 2 * BLOCK));
        assertEquals(2, moved.block());
      }
    }
  }

  /** A block rewritten through another channel after a part of it was read reads as rewritten. */
  @Test
  void aBlockRewrittenAfterAPartWasReadReadsAsRewritten() throws Exception {
    byte[] data = randomBytes(3 * BLOCK, 4);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), "AES-256-GCM", BLOCK)) {
      Path f = fs.getPath("/f");
      Files.write(f, data);
      try (FileChannel reader = FileChannel.open(f, StandardOpenOption.READ);
          FileChannel writer = FileChannel.open(f, StandardOpenOption.WRITE)) {
        assertPart(data, reader, BLOCK);
        byte[] patch = randomBytes(10, 5);
        writer.write(ByteBuffer.wrap(patch), BLOCK + PART + 100);
        System.arraycopy(patch, 0, data, BLOCK + PART + 100, patch.length);
        assertPart(data, reader, BLOCK + PART);
      }
    }
  }

  /**
   * Threads reading parts of blocks while another rewrites them whole, each rewrite filling a block
   * with one value for its index and round: every part read is one value (a whole rewrite) of its
   * own block, never older than the newest rewrite that had returned when the read began, nor than
   * what that reader saw before (a kept block served after the disk moved on would be).
   */
  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void partsReadDuringRewritesAreWholeCurrentAndInOrder(String algorithm) throws Exception {
    int blocks = 8;
    int rounds = 120;
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), algorithm, BLOCK);
        FileChannel ch =
            FileChannel.open(
                fs.getPath("/f"),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
      for (int i = 0; i < blocks; i++) {
        ch.write(ByteBuffer.wrap(filled(i, 0)), (long) i * BLOCK);
      }
      AtomicBoolean done = new AtomicBoolean();
      ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
      AtomicInteger partsRead = new AtomicInteger();
      AtomicIntegerArray written = new AtomicIntegerArray(blocks);
      Thread[] readers = new Thread[3];
      for (int r = 0; r < readers.length; r++) {
        long seed = r;
        readers[r] =
            new Thread(
                () -> {
                  Random random = new Random(seed);
                  int[] seen = new int[blocks];
                  ByteBuffer part = ByteBuffer.allocate(PART);
                  try {
                    while (!done.get() || partsRead.get() < 1000) {
                      int block = random.nextInt(blocks);
                      part.clear();
                      int at = block * BLOCK + random.nextInt(BLOCK / PART) * PART;
                      int floor = Math.max(seen[block], written.get(block));
                      if (ch.read(part, at) != PART) {
                        wrong.add("short read at " + at);
                        return;
                      }
                      int round = roundOf(block, part.array());
                      if (round < floor) {
                        wrong.add("block " + block + " read as round " + round + ", not " + floor);
                        return;
                      }
                      seen[block] = round;
                      partsRead.incrementAndGet();
                    }
                  } catch (IOException e) {
                    wrong.add(e.toString());
                  }
                });
        readers[r].start();
      }
      try {
        for (int round = 1; round <= rounds; round++) {
          for (int i = 0; i < blocks; i++) {
            ch.write(ByteBuffer.wrap(filled(i, round)), (long) i * BLOCK);
            written.set(i, round);
          }
        }
      } finally {
        done.set(true);
        for (Thread t : readers) {
          t.join(30_000);
        }
      }
      assertTrue(wrong.isEmpty(), () -> wrong.toString());
      assertTrue(partsRead.get() >= 1000, "parts read: " + partsRead.get());
    }
  }

  private static byte[] filled(int block, int round) {
    byte[] b = new byte[BLOCK];
    Arrays.fill(b, (byte) (block * 31 + round));
    return b;
  }

  /** The round a part of {@code block} was written in, or -1 if its bytes are not one round's. */
  private static int roundOf(int block, byte[] part) {
    for (byte x : part) {
      if (x != part[0]) {
        return -1;
      }
    }
    return (part[0] - block * 31) & 0xff;
  }

  private static void assertPart(byte[] data, FileChannel ch, int position) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(PART);
    assertEquals(PART, ch.read(dst, position));
    assertArrayEquals(Arrays.copyOfRange(data, position, position + PART), dst.array());
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] rawUnit(Path raw, long index) throws IOException {
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
      ByteBuffer unit = ByteBuffer.allocate(G.sealedBlockSize());
      assertEquals(unit.capacity(), ch.read(unit, G.homeOffset(index)));
      return unit.array();
    }
  }

  private static void putRawUnit(Path raw, long index, byte[] unit) throws IOException {
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.WRITE)) {
      assertEquals(unit.length, ch.write(ByteBuffer.wrap(unit), G.homeOffset(index)));
    }
  }

  private static void flipByte(Path raw, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      assertEquals(1, ch.read(b, offset));
      b.put(0, (byte) (b.get(0) ^ 0x40));
      b.rewind();
      ch.write(b, offset);
    }
  }
}
