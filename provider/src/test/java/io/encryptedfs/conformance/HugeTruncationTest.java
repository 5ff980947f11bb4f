package io.encryptedfs.conformance;

import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.conformance.SpecEncoder.HeaderFields;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A truncation that cuts more home blocks than one tail record's allowance can admit (2^31 − 1,
 * FORMAT.md section 4): 8 TiB at 4 KiB blocks. Such a file is built here by {@link SpecEncoder} as
 * a front region and a sparse raw file (its blocks never read), since writing one takes its full
 * size. The raw file's shrink fails, as a crash right before it would leave the file: each record
 * made durable before a shrink must still admit every raw byte, or the file no longer opens.
 */
class HugeTruncationTest {
  private static final int B = 4096;
  private static final String FILE = "huge";

  @TempDir Path dir;

  @Test
  void aCutPastOneAllowanceLeavesAFileThatOpensWhereverTheShrinkStops() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    TestRoots.open(dir, keys, "AES-256-GCM", B).close();
    long blocks = (1L << 31) + 3;
    SpecEncoder e = new SpecEncoder(SpecCrypto.ALG_AES_256_GCM, B, new Random(31));
    HeaderFields h = e.header(keys.masterKey("master"), "master");
    h.forcedSequence = 1;
    byte[] front = new byte[(int) e.front()];
    byte[] header = h.encode();
    SpecEncoder.put(front, 0, header);
    SpecEncoder.put(front, 256, header);
    SpecEncoder.put(front, e.tailOffset(0), e.tail(1, blocks, 0, new byte[0]));
    Path raw = dir.resolve(FILE);
    Files.write(raw, front);
    try (RandomAccessFile sparse = new RandomAccessFile(raw.toFile(), "rw")) {
      sparse.setLength(e.homeOffset(blocks));
    }

    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(dir);
    try (FileSystem fs = TestRoots.open(faults.root(), keys, "AES-256-GCM", B)) {
      FileChannel ch = FileChannel.open(fs.getPath("/" + FILE), WRITE);
      assertEquals(blocks * B, ch.size());
      faults.failTruncates(path -> path.getFileName().toString().equals(FILE));
      assertThrows(IOException.class, () -> ch.truncate(B));
      // The close would shrink the raw file too, and fails the same way: the crash is here.
      assertThrows(IOException.class, ch::close);
    }
    assertEquals(e.homeOffset(blocks), Files.size(raw), "the raw file never shrank");

    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", B)) {
      Path file = fs.getPath("/" + FILE);
      long size = Files.size(file);
      assertTrue(size >= B && size < blocks * B && size % B == 0, "size " + size);
      try (FileChannel ch = FileChannel.open(file, WRITE)) {
        ch.truncate(B);
      }
      assertEquals(B, Files.size(file));
    }
    assertEquals(e.homeOffset(1), Files.size(raw));
  }
}
