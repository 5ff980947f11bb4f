package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A long write is sealed by the calling thread and the crypto helpers at once, and written by the
 * calling thread batch by batch (1 MiB each), in order. A raw write that fails in the middle fails
 * the write with that error: the batches before it are written, none after it is, the file keeps
 * its size, the next write works, and the file reopens as this program last saw it.
 */
class HomeBlockWriterTest {
  private static final int BLOCK = 4096;

  /** About 1.5 MiB: a run the helpers share, written in two batches. */
  private static final int LONG_RUN = 391;

  /** Blocks per raw write of a long write (OpenFile's 1 MiB batches). */
  private static final int BATCH_BLOCKS = (1 << 20) / BLOCK;

  private static final String ALGORITHM = "AES-256-GCM";

  /**
   * @param extend whether the failing write extends the file (its blocks past the old end, and the
   *     raw bytes written there, are then not part of the file) or overwrites it in place
   */
  @ParameterizedTest(name = "extend {0}")
  @ValueSource(booleans = {false, true})
  void aRawWriteFailingInALongWriteStopsItThere(boolean extend) throws Exception {
    byte[] old = new byte[LONG_RUN * BLOCK + 100];
    byte[] fresh = new byte[LONG_RUN * BLOCK];
    Random random = new Random(extend ? 21 : 22);
    random.nextBytes(old);
    random.nextBytes(fresh);
    long at = extend ? old.length : 0;
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      InMemoryKeys keys = new InMemoryKeys("master");
      byte[] expected;
      try (FileSystem fs = TestRoots.open(faults.root(), keys, ALGORITHM, BLOCK);
          FileChannel ch =
              FileChannel.open(
                  fs.getPath("/big"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(old), 0);
        // The second batch's write fails, after the first batch's.
        AtomicInteger writes = new AtomicInteger();
        faults.failWrites(path -> path.endsWith("big") && writes.incrementAndGet() == 2);
        IOException e = assertThrows(IOException.class, () -> ch.write(ByteBuffer.wrap(fresh), at));
        faults.failWrites(path -> false);
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        assertTrue(e.getMessage().contains("big"), "names the file: " + e.getMessage());
        assertEquals(old.length, ch.size(), "a failed write does not change the size");
        byte[] now = readAll(ch);
        if (extend) {
          assertArrayEquals(old, now);
        } else {
          int written = BATCH_BLOCKS * BLOCK;
          assertArrayEquals(
              Arrays.copyOf(fresh, written),
              Arrays.copyOf(now, written),
              "the batch before the failing write is written");
          assertArrayEquals(
              Arrays.copyOfRange(old, written, old.length),
              Arrays.copyOfRange(now, written, old.length),
              "nothing from the failing batch on is written");
        }
        ch.write(ByteBuffer.wrap(fresh), at);
        expected = extend ? concat(old, fresh) : withPrefix(old, fresh);
        assertArrayEquals(expected, readAll(ch));
      }
      try (FileSystem fs = TestRoots.open(faults.root(), keys, ALGORITHM, BLOCK);
          FileChannel ch = FileChannel.open(fs.getPath("/big"), StandardOpenOption.READ)) {
        assertArrayEquals(expected, readAll(ch), "reopened");
      }
    }
  }

  private static byte[] readAll(FileChannel ch) throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) ch.size());
    while (all.hasRemaining() && ch.read(all, all.position()) >= 0) {}
    return all.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] withPrefix(byte[] a, byte[] prefix) {
    byte[] out = a.clone();
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    return out;
  }
}
