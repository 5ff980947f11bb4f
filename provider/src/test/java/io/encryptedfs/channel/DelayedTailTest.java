package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelayedTailTest {
  private record Pending(Runnable flush, Duration delay) {}

  private final List<Pending> pending = new ArrayList<>();
  private boolean diskFails;
  private boolean busy;
  private final List<Long> ran = new ArrayList<>();
  private final DelayedTail tail =
      new DelayedTail(
          WriteMode.buffered(Duration.ofMillis(100)),
          (flush, delay) -> pending.add(new Pending(flush, delay)),
          this::flush);

  /**
   * What the open file does with a flush: nothing if the file is busy; else the write lock, then
   * the record or a failure.
   */
  private boolean flush(long number) {
    if (busy) {
      return false;
    }
    ran.add(number);
    tail.flushRuns(number);
    if (tail.dirty()) {
      if (diskFails) {
        tail.flushFailed();
      } else {
        tail.recorded();
      }
    }
    return true;
  }

  /** The timer runs the first pending flush. */
  private void runNext() {
    pending.remove(0).flush().run();
  }

  private List<Long> delays() {
    return pending.stream().map(p -> p.delay().toMillis()).toList();
  }

  @Test
  void aRunOfChangesSchedulesOneFlushThenTheNextChangeAnother() {
    tail.changed();
    tail.changed();
    assertEquals(List.of(100L), delays());
    runNext();
    assertFalse(tail.dirty());
    tail.changed();
    assertEquals(List.of(100L), delays());
  }

  @Test
  void aFailedFlushIsRetriedAtGrowingIntervalsUpToTheCap() {
    diskFails = true;
    tail.changed();
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      seen.add(pending.get(0).delay().toMillis());
      runNext();
      assertEquals(i + 1, tail.failures());
      assertTrue(tail.dirty());
    }
    assertEquals(List.of(100L, 100L, 200L, 400L, 800L, 1000L, 1000L), seen);
    // Changes while the disk still fails do not undo the back-off.
    tail.changed();
    assertEquals(List.of(1000L), delays());
    diskFails = false;
    runNext();
    assertFalse(tail.dirty());
    assertEquals(0, tail.failures());
    assertTrue(pending.isEmpty());
  }

  @Test
  void aChangeAfterTheDiskRecoveredIsNotLeftToAPendingRetry() {
    diskFails = true;
    tail.changed();
    runNext();
    runNext();
    runNext(); // the next retry is 400 ms away
    // The program's own write succeeds: the record is out, the retry still pending.
    tail.recorded();
    tail.changed();
    assertEquals(List.of(400L, 100L), delays());
    diskFails = false;
    // The stale retry runs first and writes the record early; the new flush then finds nothing.
    runNext();
    assertFalse(tail.dirty());
    runNext();
    assertTrue(pending.isEmpty());
    tail.changed();
    assertEquals(List.of(100L), delays());
  }

  @Test
  void aStaleFlushThatFailsLeavesTheRetryToTheNewestOne() {
    diskFails = true;
    tail.changed();
    runNext();
    runNext();
    tail.recorded();
    tail.changed(); // pending: the 200 ms retry, then a new 100 ms flush
    runNext(); // the stale retry fails
    assertEquals(List.of(100L), delays());
    runNext(); // the newest fails: it schedules the retry
    assertEquals(List.of(200L), delays());
  }

  @Test
  void aFailureWhenNothingWaitsSchedulesNothing() {
    tail.changed();
    tail.recorded();
    runNext();
    assertTrue(pending.isEmpty());
  }

  @Test
  void aBusyFileIsTriedAgainSoonUnderTheSameNumberWithoutCountingAFailure() {
    busy = true;
    tail.changed();
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      seen.add(pending.get(0).delay().toMillis());
      runNext();
      assertEquals(1, pending.size());
    }
    assertEquals(List.of(100L, 1L, 2L, 4L, 8L, 10L), seen);
    assertEquals(0, tail.failures());
    // Still the flush scheduled: a change meanwhile schedules no other.
    tail.changed();
    assertEquals(List.of(10L), delays());
    busy = false;
    runNext();
    assertFalse(tail.dirty());
    assertTrue(pending.isEmpty());
    assertEquals(List.of(1L), ran);
    tail.changed();
    assertEquals(List.of(100L), delays(), "the next change schedules the next flush");
  }

  @Test
  void aBusyFilesTriesComeAtMostTheBoundApart() {
    assertEquals(Duration.ofMillis(1), DelayedTail.busyDelay(Duration.ofMillis(1), 5));
    assertEquals(Duration.ofMillis(4), DelayedTail.busyDelay(Duration.ofMillis(5), 3));
    assertEquals(Duration.ofMillis(5), DelayedTail.busyDelay(Duration.ofMillis(5), 4));
    assertEquals(Duration.ofMillis(10), DelayedTail.busyDelay(Duration.ofMinutes(1), 1_000_000));
  }

  @Test
  void theCapNeverShortensALongerBound() {
    assertEquals(Duration.ofSeconds(30), DelayedTail.retryDelay(Duration.ofSeconds(30), 5));
    assertEquals(Duration.ofMillis(1), DelayedTail.retryDelay(Duration.ofMillis(1), 1));
    assertEquals(Duration.ofMillis(512), DelayedTail.retryDelay(Duration.ofMillis(1), 10));
    assertEquals(Duration.ofSeconds(1), DelayedTail.retryDelay(Duration.ofMillis(1), 1_000_000));
  }

  @Test
  void aFailedCloseIsRetriedWithinTheCapWhateverTheBound() {
    List<Pending> slow = new ArrayList<>();
    DelayedTail[] minute = new DelayedTail[1];
    minute[0] =
        new DelayedTail(
            WriteMode.buffered(Duration.ofMinutes(1)),
            (flush, delay) -> slow.add(new Pending(flush, delay)),
            number -> {
              minute[0].flushRuns(number);
              if (minute[0].dirty()) {
                minute[0].flushFailed(); // the disk still refuses
              }
              return true;
            });
    DelayedTail tail = minute[0];
    tail.changed();
    assertTrue(tail.closeFailed(), "the program is told once");
    // The bound's flush stays pending; the close's retry comes within the cap, and so do the next.
    assertEquals(List.of(60_000L, 1000L), delaysOf(slow));
    slow.remove(1).flush().run();
    assertEquals(List.of(60_000L, 1000L), delaysOf(slow));
    slow.remove(1).flush().run();
    assertEquals(List.of(60_000L, 1000L), delaysOf(slow));
    assertEquals(3, tail.failures());
    assertFalse(tail.closeFailed(), "no write since the close that reported it");
    tail.changed();
    assertTrue(tail.closeFailed(), "a new write is news again");
    tail.recorded();
    slow.clear();
    tail.changed();
    assertEquals(List.of(60_000L), delaysOf(slow), "written: the bound holds again");
  }

  private static List<Long> delaysOf(List<Pending> pending) {
    return pending.stream().map(p -> p.delay().toMillis()).toList();
  }

  @Test
  void aFailedCloseCountsInTheBackOffOfAShortBound() {
    tail.changed();
    assertTrue(tail.closeFailed());
    assertEquals(List.of(100L, 100L), delays());
    diskFails = true;
    runNext(); // the bound's own flush, stale now: it fails and leaves the retry to the newest
    assertEquals(List.of(100L), delays());
    runNext();
    assertEquals(List.of(400L), delays());
    runNext();
    assertEquals(List.of(800L), delays());
    diskFails = false;
    runNext();
    assertFalse(tail.dirty());
    assertTrue(pending.isEmpty());
  }
}
