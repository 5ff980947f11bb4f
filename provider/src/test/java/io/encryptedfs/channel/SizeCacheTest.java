package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.*;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Sizes are remembered only while the raw file is unchanged, and never outlive a write. */
class SizeCacheTest {
  @Test
  void sizeFollowsWritesThroughThisFileSystemAndChangesMadeBehindItsBack() throws Exception {
    Path dir = Jimfs.newFileSystem(Configuration.unix()).getPath("/root");
    try (FileSystem fs = encryptedOn(dir)) {
      Path p = fs.getPath("/f.bin");
      Path raw = dir.resolve("f.bin");
      Files.write(p, new byte[100]);
      byte[] rawAt100 = Files.readAllBytes(raw);
      assertEquals(100, Files.size(p));
      assertEquals(100, Files.size(p)); // remembered
      try (FileChannel ch =
          FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(new byte[7]));
        assertEquals(107, Files.size(p)); // live while open
      }
      assertEquals(107, Files.size(p));

      // Another process puts the older raw image back: same raw size (both fit in the tail), so
      // only the modification time tells; the remembered 107 must not be answered.
      Files.write(raw, rawAt100);
      Files.setLastModifiedTime(raw, FileTime.from(Instant.now().plusSeconds(5)));
      assertEquals(rawAt100.length, Files.size(raw));
      assertEquals(100, Files.size(p));
    }
  }

  /**
   * Another process rewrites the tail in place within one modification-time tick: the raw size and
   * the modification time stay as they were, so a size remembered from the first state would be
   * answered for the second. A file modified that recently is not remembered.
   */
  @Test
  void aChangeBehindItsBackInTheSameTickIsNotMissed() throws Exception {
    FileTime tick = FileTime.fromMillis(System.currentTimeMillis());
    assertArrayEquals(new long[] {100, 107}, sizesAcrossASwapStampedAt(tick));
  }

  /**
   * A file last modified long before its size was read is remembered: the same swap, with an old
   * modification time forged back, is not noticed (no stamp can see a forged one), which shows the
   * second answer came from memory.
   */
  @Test
  void aSettledFileIsRemembered() throws Exception {
    FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
    assertArrayEquals(new long[] {100, 100}, sizesAcrossASwapStampedAt(old));
  }

  /**
   * {@code Files.size} of a file after its raw image holding 100 bytes, then the one holding 107
   * (the same raw size), is written behind the file system's back with modification time {@code
   * stamp}.
   */
  private static long[] sizesAcrossASwapStampedAt(FileTime stamp) throws Exception {
    Path dir = Jimfs.newFileSystem(Configuration.unix()).getPath("/root");
    try (FileSystem fs = encryptedOn(dir)) {
      Path p = fs.getPath("/f.bin");
      Path raw = dir.resolve("f.bin");
      Files.write(p, new byte[100]);
      byte[] at100 = Files.readAllBytes(raw);
      Files.write(p, new byte[7], StandardOpenOption.APPEND);
      byte[] at107 = Files.readAllBytes(raw);
      assertEquals(at100.length, at107.length);
      long[] sizes = new long[2];
      for (int i = 0; i < 2; i++) {
        Files.write(raw, i == 0 ? at100 : at107);
        Files.setLastModifiedTime(raw, stamp);
        sizes[i] = Files.size(p);
      }
      return sizes;
    }
  }

  private static FileSystem encryptedOn(Path dir) throws Exception {
    return TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }
}
