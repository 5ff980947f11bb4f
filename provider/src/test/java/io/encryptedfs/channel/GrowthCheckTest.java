package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write far past the end stores every block of the gap, sealed (README, "Known limits"). One that
 * needs more than the disk has free, or more blocks than one runway record admits (2^31 − 1), is
 * refused before a block is written, naming the file, rather than filling the disk first (a plain
 * file gets a hole there) or leaving, after a crash, more raw bytes than any record admits. Jimfs
 * stands for the disk: its size is set, and it allocates nothing for what is never written.
 */
class GrowthCheckTest {
  private static final int B = 4096;
  private static final InMemoryKeys KEYS = new InMemoryKeys("master");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"disk full", "past the runway"})
  void aWriteThatWouldAddMoreThanCanGoDownIsRefusedBeforeABlockIsWritten(String limit)
      throws IOException {
    boolean full = limit.equals("disk full");
    long position = full ? 1L << 30 : ((1L << 31) + 5) * B;
    Configuration disk =
        Configuration.unix().toBuilder().setMaxSize(full ? 256L << 20 : 12L << 40).build();
    try (FileSystem jimfs = Jimfs.newFileSystem(disk);
        FileSystem fs =
            TestRoots.open(Files.createDirectory(jimfs.getPath("/root")), KEYS, "AES-256-GCM", B)) {
      Path file = fs.getPath("/f");
      Path raw = jimfs.getPath("/root/f");
      byte[] content = {1, 2, 3};
      try (FileChannel ch = FileChannel.open(file, CREATE_NEW, READ, WRITE)) {
        ch.write(ByteBuffer.wrap(content));
        long rawSize = Files.size(raw);

        FileSystemException refused =
            assertThrows(
                FileSystemException.class, () -> ch.write(ByteBuffer.wrap(new byte[1]), position));
        assertEquals("/f", refused.getFile());
        assertTrue(
            refused
                .getReason()
                .contains(full ? "more than the disk has free" : "more than one write may add"),
            refused.getMessage());
        assertEquals(content.length, ch.size());
        assertEquals(rawSize, Files.size(raw), "no block went down");

        ch.write(ByteBuffer.wrap(new byte[] {4}), 3 * B);
      }
      byte[] expected = new byte[3 * B + 1];
      System.arraycopy(content, 0, expected, 0, content.length);
      expected[3 * B] = 4;
      assertArrayEquals(expected, Files.readAllBytes(file));
    }
  }
}
