package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModificationWatchTest {
  private static final long T = 1_700_000_000_000L;

  @Test
  void aFileNeverLookedAtMayHaveChanged() {
    assertTrue(new ModificationWatch().mayHaveChanged(T));
  }

  @Test
  void aLookSoonAfterTheModificationIsNotTrusted() {
    ModificationWatch watch = new ModificationWatch();
    watch.looking(T, T + 1_000);
    // However long ago the modification now is: a change right after that look keeps its stamp.
    assertTrue(watch.mayHaveChanged(T));
    watch.looking(T, T + SizeCache.SETTLED_MILLIS);
    assertTrue(watch.mayHaveChanged(T));
  }

  @Test
  void aLookWellAfterTheModificationIsTrustedUntilTheTimestampMoves() {
    ModificationWatch watch = new ModificationWatch();
    watch.looking(T, T + SizeCache.SETTLED_MILLIS + 1);
    assertFalse(watch.mayHaveChanged(T));
    assertTrue(watch.mayHaveChanged(T + 1));
    assertTrue(watch.mayHaveChanged(T - 1), "a timestamp set back is a change too");
  }

  /**
   * No name reaches the file (another program renamed or deleted it, or its name holds another
   * file), yet the program that writes it may still append: every look is made, as each read of a
   * plain file sees the writer's bytes (see {@code FollowRenamedFileTest}).
   */
  @Test
  void aFileNoNameReachesIsLookedAtEachTime() {
    ModificationWatch watch = new ModificationWatch();
    assertTrue(watch.mayHaveChanged(-1));
    watch.looking(-1, T + SizeCache.SETTLED_MILLIS + 1);
    assertTrue(watch.mayHaveChanged(-1));
  }
}
