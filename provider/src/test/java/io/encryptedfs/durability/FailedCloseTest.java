package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
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
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Promise 4 at a channel's close: a close that cannot write what it owes (in buffered mode, the
 * tail record of acknowledged writes) throws naming the file, and loses nothing. The buffered tail
 * stays in memory, registered with the file system: its timer keeps trying to write it, a later
 * open of the file takes it up, and the file system's close tries it once more and throws naming
 * the file if it still cannot.
 */
class FailedCloseTest {
  private static final int BLOCK = 4096;
  private static final String FORCED = "forced";
  private static final String ACKED = FORCED + " acked";

  private final InMemoryKeys keys = new InMemoryKeys("master");
  private FileSystem jimfs;
  private FaultInjectingFileSystem faults;

  @BeforeEach
  void setUp() throws IOException {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
  }

  @AfterEach
  void tearDown() throws IOException {
    jimfs.close();
  }

  /**
   * Writes {@link #FORCED} and forces it, writes " acked", then lets the disk refuse every write;
   * returns the channel, still open.
   */
  private FileChannel ackedThenDiskFull(FileSystem fs) throws IOException {
    FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, WRITE, APPEND);
    ch.write(utf8(FORCED));
    ch.force(false);
    ch.write(utf8(" acked"));
    faults.failWritesAfter(0, DiskFullMode.FAIL_WITHOUT_WRITING);
    return ch;
  }

  /** Closes {@code ch}, which must fail for lack of space, naming the file, and close anyway. */
  private static void failingClose(FileChannel ch) {
    IOException e = assertThrows(IOException.class, ch::close);
    assertEquals("/f: write failed: No space left on device", e.getMessage());
    assertFalse(ch.isOpen(), "a failed close still closes the channel");
  }

  private static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  /** What a process crash now would leave of /f (every write the OS got survives). */
  private String afterProcessCrash() throws IOException {
    return afterCrash(CrashPlan.processCrash());
  }

  private String afterCrash(CrashPlan plan) throws IOException {
    return afterCrash(plan, "/f");
  }

  /** What a crash per {@code plan} now would leave of the file at {@code path}. */
  private String afterCrash(CrashPlan plan, String path) throws IOException {
    String[] found = new String[1];
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterCrash(
          faults.recording(), plan, fs -> found[0] = Files.readString(fs.getPath(path)));
    }
    return found[0];
  }

  /** Polls for up to five seconds until a process crash would find {@code expected} in /f. */
  private String awaitProcessCrashImage(String expected) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    String found = afterProcessCrash();
    while (!found.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      found = afterProcessCrash();
    }
    return found;
  }

  @ParameterizedTest
  @ValueSource(strings = {"write-through", "buffered"})
  void anAcknowledgedWriteOutlivesACloseThatFailsForLackOfSpace(String mode) throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, mode)) {
      FileChannel ch = ackedThenDiskFull(fs);
      if (mode.equals("buffered")) {
        failingClose(ch); // the tail record of " acked" cannot be written
      } else {
        // Write-through owes the close only the record that ends the session's runway.
        try {
          ch.close();
        } catch (IOException e) {
          assertEquals("/f: write failed: No space left on device", e.getMessage());
        }
        assertFalse(ch.isOpen());
        assertEquals(ACKED, afterProcessCrash());
      }
      assertEquals(ACKED, Files.readString(fs.getPath("/f")), "same file system, disk full");
      try (FileChannel again = FileChannel.open(fs.getPath("/f"), READ)) {
        assertEquals(ACKED.length(), again.size());
      }
      faults.unlimitedSpace();
      assertEquals(ACKED, Files.readString(fs.getPath("/f")), "same file system, space back");
    }
    try (FileSystem reopened = FaultRoots.open(faults, keys, mode)) {
      assertEquals(ACKED, Files.readString(reopened.getPath("/f")), "reopened");
    }
    assertEquals(ACKED, afterCrash(CrashPlan.powerLoss()), "the file system's close forced it");
  }

  @Test
  void theTimerWritesTheTailOfAFailedCloseOnceSpaceReturnsAndLetsTheFileGo() throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, "buffered")) {
      failingClose(ackedThenDiskFull(fs));
      assertEquals(FORCED, afterProcessCrash(), "not written yet");
      // The bound is a minute, but a closed file's tail is overdue: retried within a second.
      long refused = faults.writesRefused();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (faults.writesRefused() < refused + 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(faults.writesRefused() >= refused + 2, "retries: " + faults.writesRefused());
      assertEquals(1, FsInternals.openFileCount(fs), "the file's state is kept while it waits");
      faults.unlimitedSpace();
      // No call from the program: the timer alone writes the tail, then the file is let go.
      assertEquals(ACKED, awaitProcessCrashImage(ACKED), "the failed close's tail was retried");
      assertEquals(
          0, FsInternals.awaitNoOpenFile(fs), "the file is let go once its tail is written");
      assertEquals(ACKED, Files.readString(fs.getPath("/f")));
    }
    assertEquals(ACKED, afterCrash(CrashPlan.powerLoss()), "the file system's close forced it");
  }

  @Test
  void aLaterOpenTakesUpTheStateAFailedCloseLeft() throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, "buffered")) {
      failingClose(ackedThenDiskFull(fs));
      try (FileChannel ch = FileChannel.open(fs.getPath("/f"), WRITE, READ)) {
        assertEquals(ACKED.length(), ch.size(), "the live state, not the disk's");
        faults.unlimitedSpace();
        ch.write(utf8(" more"), ch.size());
        ByteBuffer all = ByteBuffer.allocate(64);
        ch.read(all, 0);
        assertEquals(ACKED + " more", new String(all.array(), 0, all.position(), "UTF-8"));
      }
      assertEquals(ACKED + " more", afterProcessCrash(), "the second close wrote the tail");
      assertEquals(0, FsInternals.openFileCount(fs));
    }
  }

  @Test
  void aWriteAfterAFailedCloseIsReportedByItsOwnClose() throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, "buffered")) {
      failingClose(ackedThenDiskFull(fs));
      FileChannel ch = FileChannel.open(fs.getPath("/f"), WRITE, APPEND);
      ch.write(utf8(" more"));
      failingClose(ch);
      // A reader's close, with no write since the failure was reported, does not report it again.
      assertEquals(ACKED + " more", Files.readString(fs.getPath("/f")));
      faults.unlimitedSpace();
      assertEquals(ACKED + " more", awaitProcessCrashImage(ACKED + " more"));
      assertEquals(0, FsInternals.awaitNoOpenFile(fs));
    }
  }

  @Test
  void theFileSystemCloseThrowsNamingTheFileWhileTheDiskStillRefuses() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    IOException e = assertThrows(IOException.class, fs::close);
    assertTrue(e.getMessage().startsWith("/f: "), e.getMessage());
    assertTrue(e.getMessage().contains("are lost"), e.getMessage());
    assertFalse(fs.isOpen(), "a failed close still closes the file system");
    faults.unlimitedSpace();
    // The file system's close was the last try: what it could not write is not on disk.
    assertEquals(FORCED, afterProcessCrash());
  }

  @Test
  void theFileSystemCloseWritesTheTailOnceSpaceReturns() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    faults.unlimitedSpace();
    fs.close();
    assertEquals(ACKED, afterCrash(CrashPlan.powerLoss()), "a durability point");
    try (FileSystem reopened = FaultRoots.open(faults, keys, "buffered")) {
      assertEquals(ACKED, Files.readString(reopened.getPath("/f")));
    }
  }

  @Test
  void closingTheFileSystemWithTheChannelOpenThrowsNamingTheFile() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    FileChannel ch = ackedThenDiskFull(fs);
    IOException e = assertThrows(IOException.class, fs::close);
    assertTrue(e.getMessage().startsWith("/f: "), e.getMessage());
    assertFalse(ch.isOpen());
    assertFalse(fs.isOpen());
  }

  /**
   * A file kept for its tail that the program then deletes can no longer be opened: it is let go at
   * once, and its record is not retried. It used to stay, tried every second for as long as the
   * disk refused, and the file system's close then reported those writes lost, which the program
   * had deleted.
   */
  @Test
  void aKeptFileThatTheProgramDeletesIsLetGo() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    Files.delete(fs.getPath("/f"));
    assertEquals(0, FsInternals.openFileCount(fs), "let go with its name");
    long refused = faults.writesRefused();
    Thread.sleep(2_500); // retries run every second once a close failed
    assertEquals(refused, faults.writesRefused(), "no retry of a deleted file's record");
    fs.close(); // nothing lost to report
    assertFalse(Files.exists(jimfs.getPath("/db/" + Restorer.ROOT + "/f")));
  }

  @Test
  void theFileSystemCloseReportsNothingLostOfADeletedKeptFile() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    Files.delete(fs.getPath("/f"));
    fs.close();
    assertFalse(fs.isOpen());
  }

  /** The underlying file of /f, as another program sees it. */
  private Path underlyingF() {
    return jimfs.getPath("/db/" + Restorer.ROOT + "/f");
  }

  /**
   * Another program deleting a kept file's name is the program's delete for this file system: the
   * next retry notices and lets it go, rather than trying every second until the file system's
   * close reports the deleted file's writes lost.
   */
  @Test
  void aKeptFileThatAnotherProgramDeletesIsLetGoAtItsNextRetry() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    Files.delete(underlyingF());
    assertEquals(0, FsInternals.awaitNoOpenFile(fs), "let go once a retry found its name gone");
    long refused = faults.writesRefused();
    Thread.sleep(2_500); // retries run every second once a close failed
    assertEquals(refused, faults.writesRefused(), "no retry of a deleted file's record");
    fs.close(); // nothing lost to report
  }

  /** A name that holds another file no longer reaches the kept one either. */
  @Test
  void aKeptFileWhoseNameAnotherProgramReplacesIsLetGo() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    Path other = jimfs.getPath("/db/other");
    Files.writeString(other, "another program's file");
    Files.move(other, underlyingF(), StandardCopyOption.REPLACE_EXISTING);
    assertEquals(
        0, FsInternals.awaitNoOpenFile(fs), "let go once a retry found another file at its name");
    fs.close();
    assertEquals("another program's file", Files.readString(underlyingF()), "left alone");
  }

  @Test
  void theFileSystemCloseReportsNothingLostOfAKeptFileAnotherProgramDeleted() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    Files.delete(underlyingF());
    fs.close(); // before the first retry, a second after the failed close
    assertFalse(fs.isOpen());
  }

  /** Its name still holding it, a kept file stays kept through the retries: its writes wait. */
  @Test
  void aKeptFileWhoseNameStillHoldsItStaysKeptThroughRetries() throws Exception {
    faults.hideFileKeys(); // known by its path alone, the identity a name check can compare
    try (FileSystem fs = FaultRoots.open(faults, keys, "buffered")) {
      failingClose(ackedThenDiskFull(fs));
      long refused = faults.writesRefused();
      Thread.sleep(2_500);
      assertTrue(faults.writesRefused() >= refused + 2, "retries: " + faults.writesRefused());
      assertEquals(1, FsInternals.openFileCount(fs), "still kept");
      faults.unlimitedSpace();
      assertEquals(ACKED, awaitProcessCrashImage(ACKED));
      assertEquals(0, FsInternals.awaitNoOpenFile(fs));
    }
  }

  /**
   * Deleted by its channel's close: the same, as nothing can open it again either; and the close
   * does not fail for the writes it could not hand over, which the program asked to be deleted, as
   * a plain channel's close of a deleted file does not.
   */
  @Test
  void aFileDeletedOnCloseIsNotKeptForItsTailAndClosesWithoutFailing() throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, "buffered")) {
      FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, WRITE, DELETE_ON_CLOSE);
      ch.write(utf8(FORCED));
      ch.force(false);
      ch.write(utf8(" acked"));
      faults.failWritesAfter(0, DiskFullMode.FAIL_WITHOUT_WRITING);
      ch.close();
      assertFalse(ch.isOpen());
      assertEquals(0, FsInternals.openFileCount(fs), "nothing left to keep");
    }
  }

  /** So too for a file the program deleted while its channel was open. */
  @ParameterizedTest
  @ValueSource(strings = {"write-through", "buffered"})
  void theCloseOfADeletedFileDoesNotFailForWhatItCouldNotWrite(String mode) throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, mode)) {
      FileChannel ch = ackedThenDiskFull(fs);
      Files.delete(fs.getPath("/f"));
      ch.close();
      assertFalse(ch.isOpen());
      assertEquals(0, FsInternals.openFileCount(fs), "nothing left to keep");
    }
  }

  /** A kept file the program moves keeps its tail under its new name, which the close names. */
  @Test
  void theFileSystemCloseNamesAMovedKeptFileByItsNewName() throws Exception {
    FileSystem fs = FaultRoots.open(faults, keys, "buffered");
    failingClose(ackedThenDiskFull(fs));
    Files.move(fs.getPath("/f"), fs.getPath("/g"));
    assertEquals(1, FsInternals.openFileCount(fs), "still kept, under its new name");
    IOException e = assertThrows(IOException.class, fs::close);
    assertTrue(e.getMessage().startsWith("/g: "), e.getMessage());
  }

  @Test
  void theTimerWritesTheTailOfAMovedKeptFileUnderItsNewName() throws Exception {
    try (FileSystem fs = FaultRoots.open(faults, keys, "buffered")) {
      failingClose(ackedThenDiskFull(fs));
      Files.move(fs.getPath("/f"), fs.getPath("/g"));
      faults.unlimitedSpace();
      assertEquals(0, FsInternals.awaitNoOpenFile(fs), "let go once the timer wrote its tail");
      assertEquals(ACKED, Files.readString(fs.getPath("/g")));
      assertEquals(ACKED, afterCrash(CrashPlan.processCrash(), "/g"));
    }
  }
}
