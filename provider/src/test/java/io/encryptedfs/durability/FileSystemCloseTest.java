package io.encryptedfs.durability;

import static io.encryptedfs.durability.FaultRoots.content;
import static io.encryptedfs.durability.FaultRoots.write;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Closing the file system is a durability point for every file written through it since its last
 * force, whatever happened to the file between its own close and the file system's: here a power
 * loss right after the close must find every byte. It once found none of a file that was read, or
 * moved, after the writer closed it and before the file system closed: the reader's close, or the
 * new name, made the file system forget the force it owed. A directory's move carries what lies
 * below it, and nothing beside it that shares its first letters (see {@code OwedForcesTest}).
 */
class FileSystemCloseTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void aPowerLossAfterTheFileSystemClosedKeepsEverythingWritten() throws IOException {
    byte[] read = content(1, 3 * BLOCK + 100);
    byte[] moved = content(2, 5 * BLOCK);
    byte[] reopened = content(3, 2 * BLOCK + 7);
    byte[] deleted = content(4, BLOCK);
    byte[] deep = content(5, BLOCK + 1);
    byte[] beside = content(6, 3 * BLOCK);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs =
          TestRoots.open(faults.root().resolve(Restorer.ROOT), keys, "AES-256-GCM", BLOCK)) {
        write(fs.getPath("/read"), read);
        assertArrayEquals(read, Files.readAllBytes(fs.getPath("/read")));

        write(fs.getPath("/moving"), moved);
        Files.createDirectory(fs.getPath("/dir"));
        Files.move(fs.getPath("/moving"), fs.getPath("/dir/moved"));
        assertArrayEquals(moved, Files.readAllBytes(fs.getPath("/dir/moved")));

        write(fs.getPath("/reopened"), reopened);
        // a writer that writes nothing does not force either
        FileChannel.open(fs.getPath("/reopened"), WRITE).close();

        write(fs.getPath("/deleted"), deleted);
        Files.delete(fs.getPath("/deleted"));

        // a directory moves what lies below it, and not a name that shares its first letters
        Files.createDirectories(fs.getPath("/tree/sub"));
        write(fs.getPath("/tree/sub/deep"), deep);
        write(fs.getPath("/tree-beside"), beside);
        Files.move(fs.getPath("/tree"), fs.getPath("/grown"));
      }
      Recording recording = faults.recording();
      try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
        restorer.afterCrash(
            recording,
            CrashPlan.powerLoss(),
            fs -> {
              assertArrayEquals(read, Files.readAllBytes(fs.getPath("/read")), "read");
              assertArrayEquals(moved, Files.readAllBytes(fs.getPath("/dir/moved")), "moved");
              assertArrayEquals(reopened, Files.readAllBytes(fs.getPath("/reopened")), "reopened");
              assertFalse(Files.exists(fs.getPath("/deleted")));
              assertArrayEquals(deep, Files.readAllBytes(fs.getPath("/grown/sub/deep")), "deep");
              assertArrayEquals(beside, Files.readAllBytes(fs.getPath("/tree-beside")), "beside");
            });
      }
    }
  }

  /**
   * A file made read-only after its last write (as stores of immutable objects do) is forced all
   * the same: the close's open for writing is denied, so it forces through a read-only one. It used
   * to fail the file system's close with {@code AccessDeniedException} for any program not running
   * as root, and leave the file unforced.
   */
  @Test
  void aFileMadeReadOnlyAfterItsLastWriteIsForcedToo() throws IOException {
    byte[] bytes = content(7, 2 * BLOCK + 33);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs =
          TestRoots.open(faults.root().resolve(Restorer.ROOT), keys, "AES-256-GCM", BLOCK)) {
        write(fs.getPath("/frozen"), bytes);
        faults.denyWrites(p -> p.endsWith("frozen"));
      }
      try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
        restorer.afterCrash(
            faults.recording(),
            CrashPlan.powerLoss(),
            fs -> assertArrayEquals(bytes, Files.readAllBytes(fs.getPath("/frozen"))));
      }
    }
  }
}
