package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The slot rule, including the third slot a force protects while it runs without the lock. */
class TailSlotsTest {

  /** Writes {@code count} records, each to the slot the rule picks; returns the last sequence. */
  private static long write(TailSlots slots, long sequence, int count) {
    for (int i = 0; i < count; i++) {
      int slot = slots.next();
      assertNotEquals(-1, slot);
      assertNotEquals(slots.latest(), slot, "never over the newest record");
      slots.written(slot, ++sequence, TailSlots.NO_PARTIAL);
    }
    return sequence;
  }

  @Test
  void aRunningForceProtectsTheSlotItIsMakingDurable() {
    TailSlots slots = TailSlots.forNewFile(1);
    slots.forced(); // the creation's force: slot 0 durable
    long seq = write(slots, 1, 1); // slot 1
    int forcing = slots.beginForce();
    assertEquals(1, forcing);
    seq = write(slots, seq, 1); // the one free slot: 2
    assertEquals(2, slots.latest());
    assertEquals(-1, slots.next(), "newest 2, durable 0, being forced 1: none is free");
    slots.endForce(forcing, true);
    assertEquals(0, slots.next(), "slot 1 is now the durable one; 0 is free");
    write(slots, seq, 5);
  }

  @Test
  void aFailedForceProtectsNothingMore() {
    TailSlots slots = TailSlots.forNewFile(1);
    slots.forced();
    long seq = write(slots, 1, 1);
    int forcing = slots.beginForce();
    write(slots, seq, 1);
    slots.endForce(forcing, false);
    assertEquals(1, slots.next(), "durable is still 0, newest is 2");
  }

  @Test
  void aForceUnderTheLockWhileOneRunsKeepsTheNewerDurableRecord() {
    TailSlots slots = TailSlots.forNewFile(1);
    slots.forced();
    long seq = write(slots, 1, 1); // slot 1, sequence 2
    int forcing = slots.beginForce();
    write(slots, seq, 1); // slot 2, sequence 3
    slots.forced(); // e.g. a truncation's force: slot 2 durable
    slots.endForce(forcing, true); // slot 1 (sequence 2) is older: slot 2 stays durable
    assertEquals(0, slots.next());
    slots.written(0, 4, TailSlots.NO_PARTIAL);
    assertEquals(1, slots.next(), "slot 2 (durable) and 0 (newest) are protected");
  }

  @Test
  void anOlderRecordsPartialTailIsFoundBetweenTheBoundAndTheDurableRecord() {
    TailSlots slots = TailSlots.forNewFile(1);
    slots.forced();
    slots.written(slots.next(), 2, 0); // 100 bytes in block 0
    slots.written(slots.next(), 3, TailSlots.NO_PARTIAL); // block 0 full, no tail
    assertEquals(1, slots.durableSequence());
    int forcing = slots.beginForce();
    assertEquals(3, slots.forcingSequence());
    slots.endForce(forcing, true);
    assertEquals(3, slots.durableSequence());
    assertEquals(0, slots.forcingSequence());
    assertTrue(slots.keepsPartialTailIn(0, 0, 1, 3), "record 2 holds block 0 as its tail");
    assertFalse(slots.keepsPartialTailIn(1, 5, 1, 3), "no record holds those blocks");
    assertFalse(slots.keepsPartialTailIn(0, 0, 3, 3), "a durable header names record 3");
    assertFalse(slots.keepsPartialTailIn(0, 0, 1, 2), "record 2 is the durable one");
    slots.written(slots.next(), 4, 1); // over record 1
    slots.written(slots.next(), 5, 1); // over record 2, in memory
    assertTrue(slots.keepsPartialTailIn(0, 0, 1, 3), "record 5 need not have landed over record 2");
    slots.forced();
    assertFalse(slots.keepsPartialTailIn(0, 0, 1, 5), "now it has");
  }

  /**
   * A force runs its {@code fsync} without the file's lock, and meanwhile the file may be loaded
   * again (another program wrote it; this view catches up, or claims the writer lock, and adopts
   * the slots on disk). The slot the force began on then names another program's record, or one
   * written after the {@code fsync} began: its end must not make that record the durable one. It
   * did, here the record this view wrote after catching up (sequence 7), so that the next records
   * went over the one the catch-up's force had made durable (6): a power loss could then leave no
   * record at or above the forced sequence the header names, and the file would not open.
   */
  @Test
  void aForceBegunBeforeTheFileWasLoadedAgainMakesNoRecordOfTheNewViewDurable() {
    TailSlots slots = TailSlots.forNewFile(1);
    slots.forced();
    long seq = write(slots, 1, 2); // sequences 2 and 3, in slots 1 and 2
    int forcing = slots.beginForce();
    assertEquals(2, forcing);

    // Another program wrote 5 and 6 (unforced; its header names 3): loaded again, as adopted.
    long[] partials = {TailSlots.NO_PARTIAL, TailSlots.NO_PARTIAL, TailSlots.NO_PARTIAL};
    slots.resetTo(TailSlots.forExistingFile(new long[] {6, 5, 3}, partials, 0, 0, 3));
    assertTrue(slots.needsForceBeforeWrite());
    slots.forced(); // the force before this view's first write: 6, in slot 0, is durable
    seq = write(slots, 6, 1); // 7, into slot 2
    assertEquals(2, slots.latest());

    slots.endForce(forcing, true);
    assertEquals(6, slots.durableSequence(), "7 was written after the fsync began");
    for (int i = 0; i < 4; i++) {
      assertNotEquals(0, slots.next(), "the durable record stays until the next force");
      seq = write(slots, seq, 1);
    }
  }
}
