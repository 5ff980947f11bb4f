package io.encryptedfs.durability;

import static io.encryptedfs.durability.FaultRoots.content;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Names that change while a file is open for writing: a rename over it, a delete, a rename of the
 * directory it is in. A channel keeps writing and forcing the file it opened, as on a POSIX file
 * system, and nothing it does afterwards may reach the file that now has its old name; a power
 * loss, before or after the file system's close, finds each name holding the file last moved or
 * created there, with every byte a force (or that close) covered. In both settings of {@code
 * create.sync}: the file put in place was created unforced in one of them; and where the underlying
 * file system has file keys and where it has none.
 */
class NamesWhileOpenCrashTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  private FileSystem root(FaultInjectingFileSystem faults, String createSync) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.CREATE_SYNC, createSync);
    return EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
  }

  /** With {@code noFileKeys}, open files are known by their paths, as where there are no keys. */
  private static FaultInjectingFileSystem faultsIn(FileSystem jimfs, boolean noFileKeys)
      throws IOException {
    FaultInjectingFileSystem faults =
        FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
    if (noFileKeys) {
      faults.hideFileKeys();
    }
    return faults;
  }

  /**
   * The write, force and rename of a new version over a file that a reader-writer still has open (a
   * config file, a snapshot): the old file's channel goes on writing and forcing its own, now
   * nameless, file.
   */
  @ParameterizedTest
  @CsvSource({"true, false", "false, false", "true, true", "false, true"})
  void aFileRenamedOverAnOpenOneKeepsTheNameWhateverTheOldChannelDoes(
      String createSync, boolean noFileKeys) throws IOException {
    byte[] old = content(1, 2 * BLOCK + 10);
    byte[] next = content(2, 3 * BLOCK + 77);
    byte[] late = content(3, BLOCK + 5);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faultsIn(jimfs, noFileKeys);
      try (FileSystem fs = root(faults, createSync)) {
        try (FileChannel oldChannel = FileChannel.open(fs.getPath("/snap"), CREATE_NEW, WRITE)) {
          write(oldChannel, old);
          oldChannel.force(true);
          try (FileChannel tmp = FileChannel.open(fs.getPath("/snap.tmp"), CREATE_NEW, WRITE)) {
            write(tmp, next);
            tmp.force(true);
          }
          Files.move(fs.getPath("/snap.tmp"), fs.getPath("/snap"), REPLACE_EXISTING, ATOMIC_MOVE);
          write(oldChannel, late);
          oldChannel.force(true);
          assertPowerLossFinds(faults, "/snap", next);
        }
        assertPowerLossFinds(faults, "/snap", next);
      }
      assertPowerLossFinds(faults, "/snap", next);
    }
  }

  /** A file deleted while open, and a new one made at its name at once (a lock file, a log). */
  @ParameterizedTest
  @CsvSource({"true, false", "false, false", "true, true", "false, true"})
  void aFileMadeWhereAnOpenOneWasDeletedIsUntouchedByTheOldChannel(
      String createSync, boolean noFileKeys) throws IOException {
    byte[] old = content(4, BLOCK + 300);
    byte[] fresh = content(5, 2 * BLOCK + 1);
    byte[] unforced = content(6, 900);
    byte[] late = content(7, 3 * BLOCK);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faultsIn(jimfs, noFileKeys);
      try (FileSystem fs = root(faults, createSync)) {
        try (FileChannel oldChannel = FileChannel.open(fs.getPath("/log"), CREATE_NEW, WRITE)) {
          write(oldChannel, old);
          Files.delete(fs.getPath("/log"));
          try (FileChannel fresher = FileChannel.open(fs.getPath("/log"), CREATE_NEW, WRITE)) {
            write(fresher, fresh);
            fresher.force(true);
            write(oldChannel, late);
            oldChannel.force(true);
            assertPowerLossFinds(faults, "/log", fresh);
            write(fresher, unforced);
          }
        }
        byte[] both = concat(fresh, unforced);
        assertEquals(both.length, Files.size(fs.getPath("/log")));
        fs.close();
        assertPowerLossFinds(faults, "/log", both);
      }
    }
  }

  /**
   * A directory renamed while a file below it is open for writing (a segment directory swapped in
   * place): the channel's force makes the file durable at its new path, and the old path is gone.
   */
  @ParameterizedTest
  @CsvSource({"true, false", "false, false", "true, true", "false, true"})
  void aForceAfterItsDirectoryMovedMakesTheFileDurableAtItsNewPath(
      String createSync, boolean noFileKeys) throws IOException {
    byte[] before = content(8, BLOCK + 1);
    byte[] after = content(9, 2 * BLOCK);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faultsIn(jimfs, noFileKeys);
      try (FileSystem fs = root(faults, createSync)) {
        Files.createDirectories(fs.getPath("/staging/part"));
        try (FileChannel ch =
            FileChannel.open(fs.getPath("/staging/part/seg"), CREATE_NEW, WRITE)) {
          write(ch, before);
          Files.move(fs.getPath("/staging"), fs.getPath("/live"));
          write(ch, after);
          ch.force(true);
          Recording recording = faults.recording();
          try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
            restorer.afterCrash(
                recording,
                CrashPlan.powerLoss(),
                crashed -> {
                  assertFalse(Files.exists(crashed.getPath("/staging")));
                  assertArrayEquals(
                      concat(before, after), Files.readAllBytes(crashed.getPath("/live/part/seg")));
                });
          }
        }
      }
    }
  }

  private void assertPowerLossFinds(FaultInjectingFileSystem faults, String path, byte[] expected)
      throws IOException {
    Recording recording = faults.recording();
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterCrash(
          recording,
          CrashPlan.powerLoss(),
          crashed -> assertArrayEquals(expected, Files.readAllBytes(crashed.getPath(path)), path));
    }
  }

  private static void write(FileChannel ch, byte[] bytes) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
