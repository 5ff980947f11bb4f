package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The allowance window (FORMAT.md section 7, item 3): while a file is open for writing, and after a
 * crash before it was closed, raw bytes past its end are what an interrupted write may leave, so
 * readers ignore them, however many, and the next writer removes them; once the file is closed
 * cleanly, a single appended byte is reported again.
 */
class OpenRunwayTest {
  private static final InMemoryKeys KEYS = new InMemoryKeys("master");

  @ParameterizedTest(name = "{0} B={1} size={2}")
  @CsvSource({
    "AES-256-GCM, 4096, 0",
    "AES-256-GCM, 4096, 12388",
    "CHACHA20-POLY1305, 4096, 12388",
    "AES-256-GCM, 16384, 70000"
  })
  void bytesPastTheEndOfAFileLeftOpenAreLeftovers(String alg, int blockSize, int size)
      throws IOException {
    Geometry g = Geometry.ofBlockSize(blockSize);
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = Files.createDirectories(jimfs.getPath("/data"));
      Path raw = dir.resolve("log");
      byte[] crashImage;
      try (FileSystem fs = TestRoots.open(dir, KEYS, alg, blockSize)) {
        try (FileChannel ch = FileChannel.open(fs.getPath("/log"), CREATE_NEW, WRITE)) {
          ch.write(ByteBuffer.wrap(content));
          // What a process killed here leaves: no closing record, the runway still open.
          crashImage = Files.readAllBytes(raw);
        }
      }
      // Far more than any bounded runway would allow: 1,000 sealed blocks' worth, the size of a
      // large write the crash interrupted.
      byte[] leftovers = new byte[1000 * g.sealedBlockSize() + 7];
      new Random(7).nextBytes(leftovers);
      Files.write(raw, concat(crashImage, leftovers));

      try (FileSystem fs = TestRoots.open(dir, KEYS, alg, blockSize)) {
        Path file = fs.getPath("/log");
        assertArrayEquals(content, Files.readAllBytes(file));
        assertEquals(size, Files.size(file));
        assertEquals(
            crashImage.length + leftovers.length, Files.size(raw), "readers change nothing");
        try (FileChannel ch = FileChannel.open(file, WRITE, APPEND)) {
          ch.write(ByteBuffer.wrap(new byte[] {42}));
        }
        byte[] expected = concat(content, new byte[] {42});
        assertArrayEquals(expected, Files.readAllBytes(file));
      }
      byte[] closed = Files.readAllBytes(raw);
      assertEquals(g.rawLength(g.homeBlocks(size + 1)), closed.length, "the writer removed them");

      Files.write(raw, concat(closed, new byte[1]));
      try (FileSystem fs = TestRoots.open(dir, KEYS, alg, blockSize)) {
        DamagedFileException e =
            assertThrows(DamagedFileException.class, () -> Files.readAllBytes(fs.getPath("/log")));
        assertTrue(e.getMessage().contains("unexpected raw bytes"), e.getMessage());
        assertEquals(-1, e.block());
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
