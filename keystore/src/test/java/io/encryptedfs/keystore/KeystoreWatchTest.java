package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.keystore.KeystoreWatch.Look;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;

class KeystoreWatchTest {
  private static final long T = 1_700_000_000_000L;

  private static Look look(long size, long modified, Object fileKey, long at) {
    return new Look(size, FileTime.fromMillis(modified), fileKey, at);
  }

  @Test
  void aFileNeverReadMayHaveChanged() {
    assertTrue(KeystoreWatch.mayHaveChanged(null, look(10, T, 1, T + 60_000)));
  }

  @Test
  void aReadSoonAfterTheModificationIsNotTrustedHoweverLongAgoItIsNow() {
    Look seen = look(10, T, 1, T + 1_000);
    // A change right after that read, in the same clock tick, keeps every attribute as it was.
    assertTrue(KeystoreWatch.mayHaveChanged(seen, look(10, T, 1, T + 60_000)));
    Look boundary = look(10, T, 1, T + KeystoreWatch.SETTLED_MILLIS);
    assertTrue(KeystoreWatch.mayHaveChanged(boundary, look(10, T, 1, T + 60_000)));
  }

  @Test
  void aReadWellAfterTheModificationIsTrustedUntilAnAttributeMoves() {
    Look seen = look(10, T, 1, T + KeystoreWatch.SETTLED_MILLIS + 1);
    assertFalse(KeystoreWatch.mayHaveChanged(seen, look(10, T, 1, T + 60_000)));
    assertTrue(KeystoreWatch.mayHaveChanged(seen, look(10, T + 1, 1, T + 60_000)));
    assertTrue(
        KeystoreWatch.mayHaveChanged(seen, look(10, T - 1, 1, T + 60_000)),
        "a timestamp set back is a change too");
    assertTrue(KeystoreWatch.mayHaveChanged(seen, look(11, T, 1, T + 60_000)));
    assertTrue(
        KeystoreWatch.mayHaveChanged(seen, look(10, T, 2, T + 60_000)),
        "a file renamed into place is another file, whatever its size and time");
  }

  @Test
  void withoutAFileKeySizeAndTimeDecide() {
    Look seen = look(10, T, null, T + KeystoreWatch.SETTLED_MILLIS + 1);
    assertFalse(KeystoreWatch.mayHaveChanged(seen, look(10, T, null, T + 60_000)));
    assertTrue(KeystoreWatch.mayHaveChanged(seen, look(10, T + 2_000, null, T + 60_000)));
  }
}
