package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.encryptedfs.channel.TamperedFiles.Fixture;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two rollbacks to an earlier authentic state that the format cannot tell from a crash (an
 * older copy of the whole raw file, and the newest tail record of a file never forced), and the
 * forced file, whose damaged newest tail record is reported instead. See {@link TamperTest} for the
 * alterations that are always reported.
 */
class TamperRollbackTest {
  private final TamperedFiles files = new TamperedFiles();

  @AfterEach
  void closeAll() throws Exception {
    files.close();
  }

  @Test
  void rollbackOfTheWholeFileIsNotDetectable() throws IOException {
    // The format's stated exception: nothing binds a file to its latest version, so an older
    // complete copy of the raw file reads back as that older content without any error.
    Fixture f = files.jimfsFixture("AES-256-GCM", 4096, 3 * 4096 + 17);
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
      FileSystem jimfs = files.newJimfs();
      Fixture f =
          files.fixture(
              jimfs.getPath("/data"), new InMemoryKeys("master"), alg, 4096, 100, 3, false);
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
      Fixture f = files.jimfsFixture(alg, 4096, 100);
      long tag = f.g.tailSlotOffset(f.newestSlot()) + 48 + 100;
      byte[] bad = f.rawBytes.clone();
      bad[(int) tag] ^= 1;
      Files.write(f.raw, bad);
      f.mustThrow(alg + " newest tail record's tag flipped", -1);
    }
  }
}
