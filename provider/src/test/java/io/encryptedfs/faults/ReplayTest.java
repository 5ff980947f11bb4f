package io.encryptedfs.faults;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayTest {

  private static byte[] ascii(String s) {
    return s.getBytes(US_ASCII);
  }

  private static String replay(FileHistory file, FileCut cut) {
    return new String(Replay.apply(file, cut).orElseThrow(), US_ASCII);
  }

  private static FileHistory history(String durable, LogEntry... log) {
    return new FileHistory("f", ascii(durable), List.of(log), false);
  }

  @Test
  void prefixesApplyEntriesInOrder() {
    FileHistory file =
        history(
            "0000",
            new LogEntry.Write(0, ascii("1")),
            new LogEntry.Write(0, ascii("22")),
            new LogEntry.Write(0, ascii("333")));

    assertEquals("0000", replay(file, FileCut.none()));
    assertEquals("1000", replay(file, FileCut.prefix(1)));
    assertEquals("2200", replay(file, FileCut.prefix(2)));
    assertEquals("3330", replay(file, FileCut.prefix(3)));
    assertEquals("3330", replay(file, FileCut.all()));
  }

  @Test
  void truncateShrinksAndLaterWritesPastTheEndLeaveAZeroHole() {
    FileHistory file =
        history("abcdefgh", new LogEntry.Truncate(2), new LogEntry.Write(4, ascii("xy")));

    assertEquals("abcdefgh", replay(file, FileCut.none()));
    assertEquals("ab", replay(file, FileCut.prefix(1)));
    assertEquals("ab\0\0xy", replay(file, FileCut.all()));
  }

  @Test
  void byteTearKeepsExactlyThatManyBytes() {
    FileHistory file = history("....", new LogEntry.Write(1, ascii("abc")));

    assertEquals("....", replay(file, FileCut.torn(0, Tear.atByte(0))));
    assertEquals(".a..", replay(file, FileCut.torn(0, Tear.atByte(1))));
    assertEquals(".ab.", replay(file, FileCut.torn(0, Tear.atByte(2))));
    assertEquals(".abc", replay(file, FileCut.torn(0, Tear.atByte(3))));
    assertThrows(
        IllegalArgumentException.class, () -> replay(file, FileCut.torn(0, Tear.atByte(4))));
  }

  @Test
  void sectorChunksFollowFileOffsetsNotWriteOffsets() {
    // 1500 bytes at 100: chunks [100,512) [512,1024) [1024,1536) [1536,1600).
    assertEquals(4, SectorMath.chunkCount(100, 1500, 512));
    assertEquals(412, SectorMath.chunkEnd(100, 1500, 512, 0));
    assertEquals(924, SectorMath.chunkEnd(100, 1500, 512, 1));
    assertEquals(1436, SectorMath.chunkEnd(100, 1500, 512, 2));
    assertEquals(1500, SectorMath.chunkEnd(100, 1500, 512, 3));
    assertEquals(1, SectorMath.chunkCount(512, 512, 512));
    assertEquals(2, SectorMath.chunkCount(511, 2, 512));
  }

  @Test
  void sectorTearsApplyExactlyTheChosenChunks() {
    byte[] old = new byte[2048];
    Arrays.fill(old, (byte) 'o');
    byte[] data = new byte[1500];
    Arrays.fill(data, (byte) 'n');
    FileHistory file = new FileHistory("f", old, List.of(new LogEntry.Write(100, data)), false);
    BitSet chunks = new BitSet();
    chunks.set(0);
    chunks.set(2);

    byte[] sparse = Replay.apply(file, FileCut.torn(0, Tear.sectors(512, chunks))).orElseThrow();
    byte[] prefix = Replay.apply(file, FileCut.torn(0, Tear.atSector(512, 2))).orElseThrow();

    for (int i = 0; i < old.length; i++) {
      boolean sparseNew = (i >= 100 && i < 512) || (i >= 1024 && i < 1536);
      assertEquals(sparseNew ? 'n' : 'o', sparse[i], "sparse tear, byte " + i);
      boolean prefixNew = i >= 100 && i < 1024;
      assertEquals(prefixNew ? 'n' : 'o', prefix[i], "prefix tear, byte " + i);
    }
  }

  @Test
  void aLaterSectorPastTheEndWithoutAnEarlierOneLeavesZeros() {
    byte[] data = new byte[1024];
    Arrays.fill(data, (byte) 'n');
    FileHistory file =
        new FileHistory("f", new byte[0], List.of(new LogEntry.Write(0, data)), true);
    BitSet second = new BitSet();
    second.set(1);

    byte[] image = Replay.apply(file, FileCut.torn(0, Tear.sectors(512, second))).orElseThrow();

    assertEquals(1024, image.length);
    assertArrayEquals(new byte[512], Arrays.copyOf(image, 512));
    assertEquals('n', image[512]);
  }

  @Test
  void subsetsReplayChosenEntriesInOriginalOrder() {
    FileHistory file =
        history(
            "000",
            new LogEntry.Write(0, ascii("a")),
            new LogEntry.Write(1, ascii("b")),
            new LogEntry.Write(0, ascii("c")));
    BitSet firstAndLast = new BitSet();
    firstAndLast.set(0);
    firstAndLast.set(2);
    BitSet middle = new BitSet();
    middle.set(1);

    assertEquals("c00", replay(file, FileCut.subset(firstAndLast)));
    assertEquals("0b0", replay(file, FileCut.subset(middle)));
  }

  @Test
  void pagesCutWritesAtPageBoundariesAndKeepTheChosenChunksInOrder() {
    int page = FileCut.Pages.PAGE;
    byte[] first = new byte[page + 10];
    Arrays.fill(first, (byte) 'a'); // offset 10: page 0 to the boundary, then page 1
    byte[] second = new byte[3];
    Arrays.fill(second, (byte) 'b'); // one chunk, over the start of the first write
    FileHistory file =
        new FileHistory(
            "f",
            new byte[0],
            List.of(
                new LogEntry.Write(10, first),
                new LogEntry.Truncate(2 * page + 10),
                new LogEntry.Write(page + 2, second)),
            false);
    assertEquals(4, file.unforcedPages());

    BitSet secondChunkOnly = new BitSet();
    secondChunkOnly.set(1);
    byte[] image = Replay.apply(file, FileCut.pages(secondChunkOnly)).orElseThrow();
    assertEquals(page + 20, image.length);
    assertArrayEquals(new byte[page], Arrays.copyOf(image, page), "the first chunk is lost");
    assertEquals('a', image[page]);
    assertEquals('a', image[page + 19]);

    BitSet allButTheTruncation = new BitSet();
    allButTheTruncation.set(0, 4);
    allButTheTruncation.clear(2);
    image = Replay.apply(file, FileCut.pages(allButTheTruncation)).orElseThrow();
    assertEquals(page + 20, image.length);
    assertEquals('a', image[page + 1]);
    assertEquals('b', image[page + 2], "replayed after the first write");

    BitSet tooMany = new BitSet();
    tooMany.set(4);
    assertThrows(IllegalArgumentException.class, () -> Replay.apply(file, FileCut.pages(tooMany)));
  }

  @Test
  void vanishingIsOnlyForFilesCreatedSinceTheirLastForce() {
    FileHistory created = new FileHistory("f", new byte[0], List.of(), true);
    FileHistory old = history("x");

    assertTrue(Replay.apply(created, FileCut.vanish()).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Replay.apply(old, FileCut.vanish()));
  }

  @Test
  void nonsensicalCutsAreRejected() {
    FileHistory file = history("x", new LogEntry.Truncate(0));

    assertThrows(
        IllegalArgumentException.class, () -> replay(file, FileCut.torn(0, Tear.atByte(0))));
    assertThrows(
        IllegalArgumentException.class, () -> replay(file, FileCut.torn(1, Tear.atByte(0))));
    BitSet beyond = new BitSet();
    beyond.set(1);
    assertThrows(IllegalArgumentException.class, () -> replay(file, FileCut.subset(beyond)));
  }
}
