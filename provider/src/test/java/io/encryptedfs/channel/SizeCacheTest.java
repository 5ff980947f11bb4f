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
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    Path dir = jimfs.getPath("/root");
    try (FileSystem fs = TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path p = fs.getPath("/f.bin");
      Path raw = dir.resolve("f.bin");
      Files.write(p, new byte[100]);
      byte[] rawAt100 = Files.readAllBytes(raw);
      assertEquals(100, Files.size(p));
      assertEquals(100, Files.size(p)); // remembered
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
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
}
