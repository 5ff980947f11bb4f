package io.encryptedfs.channel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A gathering write whose buffers hold more than one write takes: the JDK's channel writes the
 * first {@link EncryptedFileChannel#GATHER_LIMIT} bytes (what Linux's {@code writev} takes) and
 * returns that count, and the encrypted channel does the same, where it used to throw for any sum
 * past {@code Integer.MAX_VALUE}. Gathers of gigabytes are measured against the default file system
 * only; the encrypted channel's cut is tested with a small limit.
 */
class GatheringWriteLimitTest {
  private static final InMemoryKeys KEYS = new InMemoryKeys("master");

  @Test
  void theLimitIsWhatTheDefaultFileSystemWritesOfALongerGather() throws IOException {
    // 1,024 buffers (the most the JDK passes to one writev) of 2 MiB + 4 KiB: past 2 GiB in all,
    // one small buffer's memory.
    ByteBuffer part = ByteBuffer.allocateDirect((2 << 20) + 4096);
    ByteBuffer[] srcs = new ByteBuffer[1024];
    Arrays.setAll(srcs, i -> part.duplicate());
    try (FileChannel devNull = FileChannel.open(Path.of("/dev/null"), WRITE)) {
      assertEquals(EncryptedFileChannel.GATHER_LIMIT, devNull.write(srcs));
    }
  }

  @Test
  void aGatherPastTheLimitWritesItsFirstBytesAndMovesThoseBuffersOnly() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(
                Files.createDirectory(jimfs.getPath("/root")), KEYS, "AES-256-GCM", 4096);
        EncryptedFileChannel ch =
            (EncryptedFileChannel) FileChannel.open(fs.getPath("/f"), CREATE_NEW, WRITE)) {
      ByteBuffer[] srcs = buffers("skip", "abcd", "efgh", "ijkl", "mnop");
      assertEquals(10, ch.write(srcs, 1, 3, 10));
      assertEquals(10, ch.position());
      assertEquals(0, srcs[0].position());
      assertEquals(4, srcs[1].position());
      assertEquals(4, srcs[2].position());
      assertEquals(2, srcs[3].position());
      assertEquals(0, srcs[4].position());
      assertEquals(6, ch.write(srcs, 3, 2, 6));
      assertEquals(2, ch.write(srcs, 0, srcs.length, 2), "from the first buffer with bytes left");
      assertArrayEquals(bytes("abcdefghijklmnopsk"), Files.readAllBytes(fs.getPath("/f")));
    }
  }

  @Test
  void anAppendingGatherPastTheLimitAppendsItsFirstBytes() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(
                Files.createDirectory(jimfs.getPath("/root")), KEYS, "AES-256-GCM", 4096)) {
      Path f = fs.getPath("/log");
      Files.write(f, bytes("head:"));
      try (EncryptedFileChannel ch = (EncryptedFileChannel) FileChannel.open(f, WRITE, APPEND)) {
        ByteBuffer[] srcs = buffers("ab", "cdef");
        assertEquals(5, ch.write(srcs, 0, 2, 5));
        assertEquals(10, ch.position());
        assertEquals(1, ch.write(srcs, 0, 2));
      }
      assertArrayEquals(bytes("head:abcdef"), Files.readAllBytes(f));
    }
  }

  private static ByteBuffer[] buffers(String... parts) {
    return Arrays.stream(parts).map(p -> ByteBuffer.wrap(bytes(p))).toArray(ByteBuffer[]::new);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(US_ASCII);
  }
}
