package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Buffered writes seen from another program (a nested root, see {@link NestedRoots}), at the
 * moments README's "Buffered mode" names: within the bound on their own, at once after a force or a
 * channel's close, and after the writer's file system closes under its open channel, with 1 MiB
 * blocks, whose partial last block holds everything written here.
 */
class BufferedAcrossRootsTest {
  private static final int BLOCK = 1 << 20;

  private static FileSystem open(Path dir, InMemoryKeys keys, String mode, int millis)
      throws Exception {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, Integer.toString(millis));
    return EncryptedFileSystems.newFileSystem(dir, env);
  }

  private static void append(FileChannel c, byte[] data) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  private static byte[] read(FileChannel c) throws Exception {
    ByteBuffer all = ByteBuffer.allocate((int) c.size());
    while (all.hasRemaining() && c.read(all, all.position()) > 0) {}
    return Arrays.copyOf(all.array(), all.position());
  }

  /** Polls the reader's size for up to five seconds until it is {@code size}; returns it. */
  private static long awaitSize(FileChannel reader, long size) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (reader.size() != size && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return reader.size();
  }

  @Test
  void anotherProgramSeesBufferedWritesWithinTheBoundAndAtEveryDurabilityPoint(@TempDir Path tmp)
      throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path root = NestedRoots.root(tmp);
    byte[] expected = new byte[0];
    try (FileSystem reading = open(NestedRoots.nested(root), keys, "write-through", 100)) {
      FileSystem writing = open(root, keys, "buffered", 20);
      try (FileChannel reader = FileChannel.open(reading.getPath("/f"), READ, WRITE, CREATE)) {
        reader.close();
      }
      FileChannel writer = FileChannel.open(writing.getPath("/sub/f"), WRITE, APPEND);
      FileChannel reader = FileChannel.open(reading.getPath("/f"), READ);
      try {
        for (int round = 0; round < 3; round++) {
          byte[] record = ("record " + round + "\n").getBytes();
          append(writer, record);
          expected = concat(expected, record);
          assertEquals(expected.length, awaitSize(reader, expected.length), "within the bound");
          assertArrayEquals(expected, read(reader));
        }
        byte[] forced = "forced\n".getBytes();
        append(writer, forced);
        writer.force(false);
        expected = concat(expected, forced);
        assertEquals(expected.length, reader.size(), "at once after a force");
        assertArrayEquals(expected, read(reader));
        byte[] last = "closed under its channel\n".getBytes();
        append(writer, last);
        expected = concat(expected, last);
        writing.close();
        assertTrue(!writer.isOpen(), "the file system's close closed its channel");
        assertEquals(expected.length, reader.size(), "at once after the file system closed");
        assertArrayEquals(expected, read(reader));
      } finally {
        writer.close();
        reader.close();
        writing.close();
      }
    }
  }

  /**
   * A channel's close hands its buffered writes over even while another channel of this program
   * keeps the file open; so does giving up a lock, and truncating.
   */
  @Test
  void aChannelsCloseHandsItsWritesOverWhileAnotherChannelKeepsTheFileOpen(@TempDir Path tmp)
      throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path root = NestedRoots.root(tmp);
    try (FileSystem reading = open(NestedRoots.nested(root), keys, "write-through", 100);
        FileSystem writing = open(root, keys, "buffered", 60_000)) {
      Path f = writing.getPath("/sub/f");
      try (FileChannel keeper = FileChannel.open(f, READ, WRITE, CREATE);
          FileChannel reader = FileChannel.open(reading.getPath("/f"), READ)) {
        try (FileChannel writer = FileChannel.open(f, WRITE)) {
          append(writer, "one\n".getBytes());
        }
        assertEquals(4, reader.size(), "after the writing channel closed");
        try (java.nio.channels.FileLock lock = keeper.lock()) {
          keeper.write(ByteBuffer.wrap("two\n".getBytes()), 4);
        }
        assertEquals(8, reader.size(), "after the lock was given up");
        keeper.write(ByteBuffer.wrap("three\n".getBytes()), 8);
        keeper.truncate(12);
        assertEquals(12, reader.size(), "after a truncate");
        assertArrayEquals("one\ntwo\nthre".getBytes(), read(reader));
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
