package io.encryptedfs.durability;

import static io.encryptedfs.durability.FaultRoots.content;
import static io.encryptedfs.durability.FaultRoots.write;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Closing the file system is a durability point for every file written through it (see {@code
 * FileSystemCloseTest}), and it knows a closed file that owes a force by one name. A file with hard
 * links can lose that name while it keeps others; nothing would force it then. So a delete or a
 * replacing move of such a name forces the closed file first, and an open file that loses its name
 * is forced by its last close: here a power loss after the file system's close finds every byte
 * under the names left.
 */
class HardLinkDurabilityTest {
  private static final int BLOCK = 4096;

  /**
   * Jimfs tells a file's link count (the {@code unix} view) only when asked to, as Linux does; the
   * durability tests of files with several names share it.
   */
  static final Configuration WITH_LINK_COUNTS =
      Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix", "unix").build();

  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void aFileThatLosesTheNameItOwedAForceByKeepsItsBytesUnderTheOthers() throws IOException {
    byte[] deleted = content(1, 3 * BLOCK + 100);
    byte[] replaced = content(2, 2 * BLOCK + 7);
    byte[] openWhileDeleted = content(3, 5 * BLOCK);
    byte[] more = content(4, BLOCK + 1);
    byte[] onlyRead = content(5, 1000);
    try (FileSystem jimfs = Jimfs.newFileSystem(WITH_LINK_COUNTS)) {
      FaultInjectingFileSystem faults = faultsIn(jimfs);
      try (FileSystem fs = root(faults)) {
        // closed, unforced: owed by /a; /a goes, /b stays
        write(fs.getPath("/a"), deleted);
        Files.createLink(fs.getPath("/b"), fs.getPath("/a"));
        Files.delete(fs.getPath("/a"));

        // the same by a move onto the owed name
        write(fs.getPath("/c"), replaced);
        Files.createLink(fs.getPath("/d"), fs.getPath("/c"));
        Files.writeString(fs.getPath("/new"), "new c");
        Files.move(fs.getPath("/new"), fs.getPath("/c"), REPLACE_EXISTING);

        // open through /e when /e goes; written before and after
        try (FileChannel ch = FileChannel.open(fs.getPath("/e"), CREATE_NEW, WRITE)) {
          ch.write(ByteBuffer.wrap(openWhileDeleted));
          Files.createLink(fs.getPath("/f"), fs.getPath("/e"));
          Files.delete(fs.getPath("/e"));
          ch.write(ByteBuffer.wrap(more));
        }

        // written and closed, then only read through the name that goes: still owed
        write(fs.getPath("/g"), onlyRead);
        Files.createLink(fs.getPath("/h"), fs.getPath("/g"));
        try (FileChannel reader = FileChannel.open(fs.getPath("/g"))) {
          Files.delete(fs.getPath("/g"));
          assertEquals(onlyRead.length, reader.size());
        }
      }
      Recording recording = faults.recording();
      byte[] both = Arrays.copyOf(openWhileDeleted, openWhileDeleted.length + more.length);
      System.arraycopy(more, 0, both, openWhileDeleted.length, more.length);
      try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
        restorer.afterCrash(
            recording,
            CrashPlan.powerLoss(),
            fs -> {
              assertFalse(Files.exists(fs.getPath("/a")));
              assertArrayEquals(deleted, Files.readAllBytes(fs.getPath("/b")), "b");
              assertEquals("new c", Files.readString(fs.getPath("/c")));
              assertArrayEquals(replaced, Files.readAllBytes(fs.getPath("/d")), "d");
              assertFalse(Files.exists(fs.getPath("/e")));
              assertArrayEquals(both, Files.readAllBytes(fs.getPath("/f")), "f");
              assertArrayEquals(onlyRead, Files.readAllBytes(fs.getPath("/h")), "h");
            });
      }
    }
  }

  /**
   * The file owing a force by the name that goes is open by another name: the force before the
   * delete attaches to that open file, whose channel stays open, so the debt is not paid by a last
   * close. The delete once went on forcing it, without end.
   */
  @Test
  void aFileOpenByAnotherNameIsForcedOnceBeforeItLosesTheOwedName() throws IOException {
    byte[] bytes = content(9, 2 * BLOCK + 5);
    try (FileSystem jimfs = Jimfs.newFileSystem(WITH_LINK_COUNTS)) {
      FaultInjectingFileSystem faults = faultsIn(jimfs);
      try (FileSystem fs = root(faults)) {
        write(fs.getPath("/a"), bytes);
        Files.createLink(fs.getPath("/b"), fs.getPath("/a"));
        try (FileChannel viaB = FileChannel.open(fs.getPath("/b"))) {
          assertTimeoutPreemptively(
              Duration.ofSeconds(20), () -> Files.delete(fs.getPath("/a")), "the delete ends");
          assertEquals(bytes.length, viaB.size());
        }
        assertAfterPowerLoss(faults, "/b", bytes);
      }
    }
  }

  /** The force before a delete reaches a file this program may no longer write, too. */
  @Test
  void aReadOnlyFileIsForcedBeforeItLosesAName() throws IOException {
    byte[] bytes = content(8, 3 * BLOCK);
    try (FileSystem jimfs = Jimfs.newFileSystem(WITH_LINK_COUNTS)) {
      FaultInjectingFileSystem faults = faultsIn(jimfs);
      try (FileSystem fs = root(faults)) {
        write(fs.getPath("/a"), bytes);
        Files.createLink(fs.getPath("/b"), fs.getPath("/a"));
        faults.denyWrites(p -> true);
        Files.delete(fs.getPath("/a"));
        // nothing is owed any more: the power loss comes before the file system's close
        assertAfterPowerLoss(faults, "/b", bytes);
      }
    }
  }

  /**
   * The force before a delete is the delete's: if it fails, the name stays, and the file system's
   * close reports the failed force as it reports any (what it was to make durable may be lost).
   */
  @Test
  void aDeleteWhoseForceFailsLeavesTheName() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(WITH_LINK_COUNTS)) {
      FaultInjectingFileSystem faults = faultsIn(jimfs);
      FileSystem fs = root(faults);
      write(fs.getPath("/a"), content(6, 100));
      Files.createLink(fs.getPath("/b"), fs.getPath("/a"));
      faults.failForces(p -> true);
      IOException failed = assertThrows(IOException.class, () -> Files.delete(fs.getPath("/a")));
      assertTrue(failed.getMessage().contains("/a"), failed.getMessage());
      assertTrue(Files.exists(fs.getPath("/a")));
      faults.failForces(p -> false);
      Files.delete(fs.getPath("/a"));
      assertArrayEquals(content(6, 100), Files.readAllBytes(fs.getPath("/b")));
      SyncFailedException reported = assertThrows(SyncFailedException.class, fs::close);
      assertTrue(reported.getMessage().startsWith("/a: "), reported.getMessage());
    }
  }

  private static FaultInjectingFileSystem faultsIn(FileSystem jimfs) throws IOException {
    return FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
  }

  private FileSystem root(FaultInjectingFileSystem faults) throws IOException {
    return TestRoots.open(faults.root().resolve(Restorer.ROOT), keys, "AES-256-GCM", BLOCK);
  }

  /** A power loss now leaves {@code expected} at {@code path}. */
  private void assertAfterPowerLoss(FaultInjectingFileSystem faults, String path, byte[] expected)
      throws IOException {
    Recording recording = faults.recording();
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterCrash(
          recording,
          CrashPlan.powerLoss(),
          after -> assertArrayEquals(expected, Files.readAllBytes(after.getPath(path)), path));
    }
  }
}
