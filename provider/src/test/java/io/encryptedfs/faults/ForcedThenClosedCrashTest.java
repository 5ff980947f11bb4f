package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.write;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.Algorithm;
import io.encryptedfs.channel.NewFilePolicy;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.channel.WriteMode;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import java.nio.channels.FileChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closing a file that this session wrote writes a final tail record (allowance 0), and a channel's
 * close does not force: nor does the file system's close force a file whose channels closed before
 * it unless it was written since its last force. So a power loss after such a close may keep that
 * record, tear it, or lose it, together with whatever else was written after the force. None of it
 * may take away a byte a force covered or leave a file that does not open, in either write mode,
 * and it does not: the closing record goes to a slot other than the forced record's, as every
 * record does until the next force; it holds the same content as the record before it, so a reader
 * that finds it torn or gone reads the newest older one (at least the forced one); and whole, its
 * allowance of 0 only narrows which raw bytes past the end are ignored, while a reader that finds
 * it failing the raw-length check falls back to an older record with a runway (FORMAT.md section
 * 7).
 */
class ForcedThenClosedCrashTest {
  private static final int BLOCK = 4096;
  private static final NewFilePolicy POLICY =
      new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(BLOCK), "k");

  /**
   * One home block and a partial tail. Every tail here is over 3,520 bytes, so that every tail
   * record spans two pages and a page subset can tear it; the second append fills home block 1.
   */
  private static final int FORCED = BLOCK + 3600;

  private static final int[] APPENDS = {300, 3900};

  private final InMemoryKeys keys = new InMemoryKeys("k");

  /** How the session ends before the power loss. */
  enum Close {
    /** The channel closes; the program goes on. */
    CHANNEL,
    /** The channel closes, then the file system: it forces files written since their last force. */
    CHANNEL_THEN_FILE_SYSTEM,
    /** The file system closes with the channel open: it closes the file, then forces it. */
    FILE_SYSTEM;

    /** Whether the power loss may take the closing record (or another tail record) away. */
    boolean leavesARecordUnforced(boolean writesAfter) {
      return this == CHANNEL || (this == CHANNEL_THEN_FILE_SYSTEM && !writesAfter);
    }
  }

  static Stream<Arguments> closes() {
    Stream.Builder<Arguments> all = Stream.builder();
    for (boolean buffered : new boolean[] {false, true}) {
      for (boolean writesAfter : new boolean[] {false, true}) {
        for (Close close : Close.values()) {
          all.add(Arguments.of(buffered, writesAfter, close));
        }
      }
    }
    return all.build();
  }

  /**
   * Writes, forces, appends or not, closes, then loses power: every byte a force covered (the file
   * system's close is one for every file written since its last force) is read back, and the file
   * opens.
   */
  @ParameterizedTest(name = "buffered {0}, writes after the force {1}, {2} closed")
  @MethodSource("closes")
  void aPowerLossAfterTheCloseKeepsWhatTheForceCovered(
      boolean buffered, boolean writesAfter, Close close) throws Exception {
    int size = FORCED + (writesAfter ? APPENDS[0] + APPENDS[1] : 0);
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Recording recording;
    try (JimfsFaults fixture = new JimfsFaults()) {
      OpenFiles files = new OpenFiles(keys, new SecureRandom());
      if (buffered) {
        // Long enough that no timer writes a buffered tail: the close does.
        files.setWriteMode(WriteMode.buffered(Duration.ofSeconds(60)));
      }
      FileChannel ch =
          files.newFileChannel(
              fixture.root().resolve("f"), "/f", EnumSet.of(CREATE_NEW, READ, WRITE), POLICY);
      write(ch, data, 0, FORCED);
      ch.force(false);
      if (writesAfter) {
        write(ch, data, FORCED, APPENDS[0]);
        write(ch, data, FORCED + APPENDS[0], APPENDS[1]);
      }
      if (close != Close.FILE_SYSTEM) {
        ch.close();
      }
      if (close != Close.CHANNEL) {
        files.closeAll();
      }
      assertFalse(ch.isOpen());
      recording = fixture.faults.recording();
    }
    assertEquals(
        close.leavesARecordUnforced(writesAfter),
        recording.file("f").unforced().stream().anyMatch(ForcedThenClosedCrashTest::isTailRecord),
        "a tail record left unforced");
    int forced = close == Close.CHANNEL ? FORCED : size;
    int checked =
        new PowerLosses(keys, POLICY)
            .check(
                recording,
                "f",
                (found, plan) -> PowerLosses.keepsPrefix(found, data, forced, plan));
    assertTrue(checked > 2, "crash images: " + checked);
  }

  private static boolean isTailRecord(LogEntry entry) {
    return entry instanceof LogEntry.Write write
        && write.offset() >= Geometry.HEADER_SIZE
        && write.offset() < POLICY.geometry().frontSize();
  }
}
