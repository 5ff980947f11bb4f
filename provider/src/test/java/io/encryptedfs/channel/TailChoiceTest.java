package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.format.TailRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The choice among a file's authentic tail records, without a file: the raw length, the forced
 * sequence and which home blocks landed are given.
 */
class TailChoiceTest {
  private static final Geometry G = Geometry.ofBlockSize(4096);
  private static final String PATH = "/db/f";
  private final List<Long> asked = new ArrayList<>();

  /** Every home block landed; records which were asked about. */
  private boolean landed(long index) {
    asked.add(index);
    return true;
  }

  private int choose(TailRecord[] records, long forced, long rawLength) throws IOException {
    return TailChoice.choose(G, records, forced, rawLength, this::landed, PATH);
  }

  @Test
  void theNewestRecordTheRawLengthFitsIsChosen() throws IOException {
    TailRecord[] records = {
      new TailRecord(5, 2, 0, 0), new TailRecord(7, 3, 0, 0), new TailRecord(6, 3, 0, 0)
    };
    assertEquals(1, choose(records, 5, G.rawLength(3)));
    assertEquals(List.of(), asked, "no partial tails: no home block is read");
    TailSlots slots = TailChoice.slots(records, 1, 5);
    assertEquals(1, slots.latest());
    assertEquals(7, slots.sequence(1));
    assertFalse(slots.hasStale());
  }

  @Test
  void aNewerRecordWhoseBlocksNeverLandedIsPassedOverAndStale() throws IOException {
    // Record 8 names a fourth home block that the raw length lacks: its blocks never landed.
    TailRecord[] records = {
      new TailRecord(6, 2, 0, 0), new TailRecord(7, 3, 0, 0), new TailRecord(8, 4, 0, 0)
    };
    assertEquals(1, choose(records, 6, G.rawLength(3)));
  }

  @Test
  void theRunwayOfARecordWidensWhatItFits() throws IOException {
    TailRecord[] records = {new TailRecord(3, 1, 10, 4), null, null};
    assertEquals(0, choose(records, 0, G.rawLength(5)));
    DamagedFileException e =
        assertThrows(DamagedFileException.class, () -> choose(records, 0, G.rawLength(5) + 1));
    assertTrue(e.getMessage().contains("1 unexpected raw bytes"), e.getMessage());
  }

  /**
   * FORMAT.md bounds {@code k} by the largest raw offset and the allowance by 2^31 − 1, not their
   * sum: a record of the most home blocks a file can have, with a runway open past them, admits its
   * raw length, whose bound is past any raw offset.
   */
  @Test
  void aRunwayPastTheLargestRawOffsetAdmitsTheFileItEnds() throws IOException {
    long most = G.homeBlocks(G.maxCleartextSize());
    TailRecord[] records = {new TailRecord(3, most, 0, Integer.MAX_VALUE), null, null};
    assertEquals(0, choose(records, 3, G.rawLength(most)));
  }

  @Test
  void anOlderPartialTailThatDidNotLandMakesTheChoiceFallBack() throws IOException {
    // Record 5 kept 100 bytes as a partial tail in home block 2; record 6 counts that block as
    // full. If block 2 is not authentic on disk, record 5 still holds those bytes.
    TailRecord[] records = {new TailRecord(5, 2, 100, 1), new TailRecord(6, 3, 0, 0), null};
    assertEquals(0, TailChoice.choose(G, records, 5, G.rawLength(3), index -> index != 2, PATH));
  }

  /**
   * As above, but record 5's own home blocks end before the raw length (allowance 0), so no record
   * that still holds the forced tail bytes fits the file: they are lost in home block 2, which is
   * damage at that block, not a failed assertion.
   */
  @Test
  void forcedTailBytesLostInAHomeBlockNoRecordCanFallBackFromAreDamageThere() {
    TailRecord[] records = {new TailRecord(5, 2, 100, 0), new TailRecord(6, 3, 0, 0), null};
    DamagedFileException e =
        assertThrows(
            DamagedFileException.class,
            () -> TailChoice.choose(G, records, 5, G.rawLength(3), index -> index != 2, PATH));
    assertEquals(2, e.block());
    assertEquals(G.blockSize(), e.blockSize());
    assertTrue(e.getMessage().startsWith(PATH + ": block 2: "), e.getMessage());
  }

  @Test
  void onlyTheHomeBlocksOfOlderPartialTailsAreRead() throws IOException {
    TailRecord[] records = {new TailRecord(5, 2, 100, 1), new TailRecord(6, 3, 0, 0), null};
    assertEquals(1, choose(records, 5, G.rawLength(3)));
    assertEquals(List.of(2L), asked);
  }

  /**
   * The most a choice reads (FORMAT.md section 7): two older partial tails, both counted as full by
   * the newest record, the older one's block not landed, reach two blocks, that one twice.
   */
  @Test
  void aChoiceReadsAtMostTwoBlocksOneOfThemTwice() throws IOException {
    TailRecord[] records = {
      new TailRecord(5, 2, 0, 9), new TailRecord(4, 1, 10, 9), new TailRecord(3, 0, 10, 9)
    };
    int chosen =
        TailChoice.choose(
            G,
            records,
            0,
            G.rawLength(2),
            index -> {
              asked.add(index);
              return index != 0;
            },
            PATH);
    assertEquals(2, chosen);
    assertEquals(List.of(1L, 0L, 0L), asked);
  }

  @Test
  void twoRecordsWithOneSequenceAreDamage() {
    TailRecord[] records = {new TailRecord(4, 0, 0, 0), null, new TailRecord(4, 0, 0, 0)};
    DamagedFileException e =
        assertThrows(DamagedFileException.class, () -> choose(records, 0, G.rawLength(0)));
    assertTrue(e.getMessage().contains("share one sequence"), e.getMessage());
  }

  @Test
  void twoOlderRecordsWithOneSequenceAreDamageWhicheverSlotsHoldThem() {
    TailRecord twin = new TailRecord(4, 0, 0, 0);
    TailRecord newest = new TailRecord(5, 0, 0, 0);
    TailRecord[][] orders = {{newest, twin, twin}, {twin, newest, twin}, {twin, twin, newest}};
    for (TailRecord[] records : orders) {
      DamagedFileException e =
          assertThrows(DamagedFileException.class, () -> choose(records, 0, G.rawLength(0)));
      assertTrue(e.getMessage().contains("share one sequence"), e.getMessage());
    }
  }

  @Test
  void noAuthenticRecordIsALostEnd() {
    TailRecord[] records = new TailRecord[Geometry.TAIL_SLOTS];
    DamagedFileException e =
        assertThrows(DamagedFileException.class, () -> choose(records, 0, G.rawLength(0)));
    assertTrue(e.getMessage().contains("no authentic tail record"), e.getMessage());
  }

  @Test
  void aNewestRecordOlderThanTheForcedOneIsDamage() {
    TailRecord[] records = {new TailRecord(4, 0, 0, 0), null, null};
    DamagedFileException e =
        assertThrows(DamagedFileException.class, () -> choose(records, 5, G.rawLength(0)));
    assertTrue(e.getMessage().contains("only sequence 4 authenticates"), e.getMessage());
  }

  @Test
  void aRawLengthNoRecordFitsIsTruncationAtTheFirstMissingBlock() {
    TailRecord[] records = {new TailRecord(2, 5, 0, 0), new TailRecord(3, 6, 0, 0), null};
    DamagedFileException e =
        assertThrows(DamagedFileException.class, () -> choose(records, 2, G.rawLength(4)));
    assertEquals(4, e.block());
    assertEquals(G.blockSize(), e.blockSize());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void recordsNewerThanTheChosenOneAreStale() {
    TailRecord[] records = {
      new TailRecord(6, 2, 0, 0), new TailRecord(7, 3, 0, 0), new TailRecord(8, 4, 50, 0)
    };
    TailSlots slots = TailChoice.slots(records, 1, 6);
    assertEquals(1, slots.latest());
    assertEquals(8, slots.sequence(2));
    assertTrue(slots.hasStale());
    assertEquals(2, slots.next(), "the stale record is overwritten first");
    assertFalse(TailChoice.slots(records, 2, 6).hasStale());
  }
}
