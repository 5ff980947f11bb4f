package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.DiskFullMode;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.nio.FsInternals;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file that loses a name while a hard link still holds it is not a deleted file (see {@code
 * FailedCloseTest} for those): a close that cannot write what it owes fails, as for any file, and a
 * file kept for its buffered tail stays kept, its tail written by the timer once space returns and
 * forced, since no name is left to owe the file system's close a force by.
 */
class HardLinkKeptTailTest {
  private static final int BLOCK = 4096;
  private static final String ACKED = "forced acked";
  private final InMemoryKeys keys = new InMemoryKeys("master");
  private FileSystem jimfs;
  private FaultInjectingFileSystem faults;

  @BeforeEach
  void setUp() throws IOException {
    jimfs = Jimfs.newFileSystem(HardLinkDurabilityTest.WITH_LINK_COUNTS);
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
  }

  @AfterEach
  void tearDown() throws IOException {
    jimfs.close();
  }

  @Test
  void aKeptFileDeletedByOneNameStaysKeptAndItsTailIsWrittenAndForced() throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, "buffered")) {
      FileChannel ch = ackedThenLinkedThenDiskFull(fs);
      IOException failed = assertThrows(IOException.class, ch::close);
      assertEquals("/f: write failed: No space left on device", failed.getMessage());
      Files.delete(fs.getPath("/f"));
      assertEquals(1, FsInternals.openFileCount(fs), "still kept: /g holds it");
      // A retry that still fails does not let it go either, as it would a file with no name left.
      long refused = faults.writesRefused();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (faults.writesRefused() == refused && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(faults.writesRefused() > refused, "retried");
      assertEquals(1, FsInternals.openFileCount(fs), "kept through the retry");
      faults.unlimitedSpace();
      assertEquals(0, FsInternals.awaitNoOpenFile(fs), "closed once the timer wrote its tail");
      assertEquals(ACKED, Files.readString(fs.getPath("/g")));
      assertEquals(ACKED, afterPowerLoss(), "its close forced it");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"write-through", "buffered"})
  void theCloseOfAFileThatLostANameFailsAsAnyCloseAndLosesNothing(String mode) throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, mode)) {
      FileChannel ch = ackedThenLinkedThenDiskFull(fs);
      Files.delete(fs.getPath("/f"));
      IOException failed = assertThrows(IOException.class, ch::close);
      assertTrue(failed.getMessage().startsWith("/f: "), failed.getMessage());
      assertFalse(ch.isOpen());
      faults.unlimitedSpace();
      assertEquals(0, FsInternals.awaitNoOpenFile(fs));
      assertEquals(ACKED, Files.readString(fs.getPath("/g")));
    }
  }

  /**
   * Writes "forced" and forces it, writes " acked", links /g to /f, then lets the disk refuse every
   * write; returns the channel on /f, still open.
   */
  private FileChannel ackedThenLinkedThenDiskFull(FileSystem fs) throws IOException {
    FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, WRITE, APPEND);
    ch.write(utf8("forced"));
    ch.force(false);
    ch.write(utf8(" acked"));
    Files.createLink(fs.getPath("/g"), fs.getPath("/f"));
    faults.failWritesAfter(0, DiskFullMode.FAIL_WITHOUT_WRITING);
    return ch;
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** What a power loss now would leave of /g. */
  private String afterPowerLoss() throws IOException {
    String[] found = new String[1];
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterCrash(
          faults.recording(),
          CrashPlan.powerLoss(),
          fs -> found[0] = Files.readString(fs.getPath("/g")));
    }
    return found[0];
  }
}
