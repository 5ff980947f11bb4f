package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.faults.CrashImage;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.DiskFullMode;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy, or a move to another root, that fails partway leaves no target: a truncated copy would
 * authenticate as a whole file, and a retry would find it in the way.
 */
class CopyFailureTest {
  private static final int BLOCK = 4096;
  private static final byte[] CONTENT = content(300_000);
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @TempDir Path tmp;

  @Test
  void aDamagedSourceBlockPastTheFirstBufferLeavesNoCopy() throws IOException {
    try (FileSystem fs = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", BLOCK);
        FileSystem other = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
      Path src = Files.write(fs.getPath("/src.db"), CONTENT);
      damageBlock(tmp.resolve("a/src.db"), 66);

      for (int attempt = 0; attempt < 2; attempt++) {
        assertThrows(DamagedFileException.class, () -> Files.copy(src, fs.getPath("/backup.db")));
        assertFalse(Files.exists(fs.getPath("/backup.db")));
      }
      assertThrows(DamagedFileException.class, () -> Files.move(src, other.getPath("/moved.db")));
      assertFalse(Files.exists(other.getPath("/moved.db")));
      assertEquals(CONTENT.length, Files.size(src), "the source stays");
    }
  }

  @Test
  void aWriteFailureLeavesNoCopyAndTheNextCopySucceeds() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(posixJimfs())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/data")));
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path src = Files.write(fs.getPath("/src.db"), CONTENT);
        Path copy = fs.getPath("/copy.db");
        faults.failWritesAfter(100_000, DiskFullMode.WRITE_PREFIX_THEN_FAIL);

        assertThrows(IOException.class, () -> Files.copy(src, copy));

        assertFalse(Files.exists(copy));
        assertFalse(Files.exists(jimfs.getPath("/data/r/copy.db")));
        faults.unlimitedSpace();
        Files.copy(src, copy);
        assertArrayEquals(CONTENT, Files.readAllBytes(copy));
      }
    }
  }

  /**
   * A copy its owner may not write is durable when the copy returns: closing the file system, which
   * forces files written since their last force, could not reopen it for writing.
   */
  @Test
  void aReadOnlyCopyIsForcedBeforeItIsClosed() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(posixJimfs())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/data")));
      CrashImage image;
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path src = Files.write(fs.getPath("/src.db"), CONTENT);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("r--------"));

        Files.copy(src, fs.getPath("/copy.db"));

        assertEquals(
            "r--------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(fs.getPath("/copy.db"))));
        image = faults.crash(CrashPlan.powerLoss());
      }
      Path restored = image.writeTo(jimfs.getPath("/restored"));
      try (FileSystem fs = TestRoots.open(restored.resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        assertArrayEquals(CONTENT, Files.readAllBytes(fs.getPath("/copy.db")));
      }
    }
  }

  private static Configuration posixJimfs() {
    return Configuration.unix().toBuilder().setAttributeViews("basic", "posix").build();
  }

  private static void damageBlock(Path raw, long block) throws IOException {
    long at = Geometry.ofBlockSize(BLOCK).homeOffset(block) + 100;
    try (FileChannel ch =
        FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 1));
      ch.write(b.flip(), at);
    }
  }

  private static byte[] content(int size) {
    byte[] b = new byte[size];
    new Random(66).nextBytes(b);
    return b;
  }
}
