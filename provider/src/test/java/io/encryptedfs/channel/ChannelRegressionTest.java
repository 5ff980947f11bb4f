package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One small test per bug found by DifferentialChannelTest, each naming the bug it pins. */
class ChannelRegressionTest {

  private static FileSystem open(String algorithm) throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    return TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), algorithm, 4096);
  }

  /**
   * The JDK's ChaCha20-Poly1305 refuses to init with the key and nonce of its previous init, even
   * to decrypt; encryptedfs reuses one cipher per thread, so opening the same block twice in a row
   * (read, then a partial overwrite that reads it back) failed as "failed authentication".
   */
  @Test
  void chachaBlockCanBeOpenedTwiceInARow() throws Exception {
    try (FileSystem fs = open("CHACHA20-POLY1305");
        FileChannel ch =
            FileChannel.open(
                fs.getPath("/x"),
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE)) {
      byte[] data = new byte[4096];
      new Random(7).nextBytes(data);
      ch.write(ByteBuffer.wrap(data)); // one full, sealed home block
      assertEquals(10, ch.read(ByteBuffer.allocate(10), 0));
      assertEquals(10, ch.read(ByteBuffer.allocate(10), 0)); // same block, same nonce, again
      assertEquals(1, ch.write(ByteBuffer.wrap(new byte[] {42}), 0)); // read-modify-write
      data[0] = 42;
      ByteBuffer back = ByteBuffer.allocate(4096);
      assertEquals(4096, ch.read(back, 0));
      assertArrayEquals(data, back.array());
    }
  }

  /**
   * In APPEND mode the JDK's position() is always the file size (it appends before each write),
   * including bytes appended through other channels; ours returned the position of this channel's
   * last write (0 before it wrote).
   */
  @Test
  void appendChannelPositionIsTheSize() throws Exception {
    try (FileSystem fs = open("AES-256-GCM")) {
      Path f = fs.getPath("/a");
      try (FileChannel rw =
              FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileChannel app = FileChannel.open(f, StandardOpenOption.APPEND)) {
        rw.write(ByteBuffer.allocate(5000));
        assertEquals(5000, app.position());
        app.write(ByteBuffer.allocate(10));
        assertEquals(5010, app.position());
        rw.write(ByteBuffer.allocate(100), 6000);
        assertEquals(6100, app.position());
        app.position(3);
        assertEquals(6100, app.position());
      }
    }
  }

  /**
   * The JDK's FileChannel checks the channel's mode before the arguments of transferTo and
   * transferFrom (so a write-only channel throws NonReadableChannelException even for a negative
   * position); ours checked the arguments first. Compared against the JDK on a real temp file.
   */
  @Test
  void transferChecksModeBeforeArguments(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    WritableByteChannel sink = Channels.newChannel(new ByteArrayOutputStream());
    ReadableByteChannel source = Channels.newChannel(new ByteArrayInputStream(new byte[1]));
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("enc"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      for (Path f : List.of(tmp.resolve("plain"), fs.getPath("/x"))) {
        try (FileChannel wo =
                FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileChannel ro = FileChannel.open(f, StandardOpenOption.READ)) {
          assertThrows(
              NonReadableChannelException.class, () -> wo.transferTo(-1, 1, sink), f::toString);
          assertThrows(
              NonWritableChannelException.class, () -> ro.transferFrom(source, -1, 1), f::toString);
          assertThrows(
              IllegalArgumentException.class, () -> ro.transferTo(-1, 1, sink), f::toString);
          assertThrows(
              IllegalArgumentException.class, () -> wo.transferFrom(source, 0, -1), f::toString);
        }
      }
    }
  }

  /**
   * JDK 21 changed transferFrom at a position past the end from "transfers nothing" to "extends the
   * file and writes there" (JDK-8303260); encryptedfs kept the JDK 17 rule on every JDK, so on 21
   * and later a copy into a sparse position silently wrote nothing. Compared against the running
   * JDK on a real temp file.
   */
  @Test
  void transferFromPastTheEndFollowsTheRunningJdk(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("enc"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      List<String> outcomes = new ArrayList<>();
      for (Path f : List.of(tmp.resolve("plain"), fs.getPath("/x"))) {
        try (FileChannel ch =
            FileChannel.open(
                f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(new byte[] {1, 2}));
          ReadableByteChannel source =
              Channels.newChannel(new ByteArrayInputStream(new byte[] {7, 8, 9}));
          long n = ch.transferFrom(source, 5000, 3);
          outcomes.add(
              "transferred "
                  + n
                  + ", size "
                  + ch.size()
                  + ", position "
                  + ch.position()
                  + ", content "
                  + Arrays.hashCode(Files.readAllBytes(f)));
        }
      }
      assertEquals(outcomes.get(0), outcomes.get(1), "plain, then encrypted");
      long expected = Runtime.version().feature() >= 21 ? 3 : 0;
      assertTrue(outcomes.get(1).startsWith("transferred " + expected + ","), outcomes::toString);
    }
  }

  /**
   * All channels on a file share one underlying channel, which the JDK (and Jimfs) close when a
   * thread is interrupted in or before a blocking call on it: one interrupted reader failed every
   * other channel on the file and released their locks. Now an interrupted thread closes only its
   * own channel, as with a plain FileChannel.
   */
  @Test
  void anInterruptClosesOnlyTheInterruptedChannel() throws Exception {
    try (FileSystem fs = open("AES-256-GCM")) {
      Path f = fs.getPath("/shared");
      Files.write(f, new byte[10_000]);
      try (FileChannel other =
              FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
          FileChannel interrupted = FileChannel.open(f, StandardOpenOption.READ)) {
        java.nio.channels.FileLock lock = other.lock();
        Thread.currentThread().interrupt();
        try {
          assertThrows(
              java.nio.channels.ClosedByInterruptException.class,
              () -> interrupted.read(ByteBuffer.allocate(10), 0));
          assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set");
        } finally {
          Thread.interrupted();
        }
        assertFalse(interrupted.isOpen());
        assertTrue(other.isOpen());
        assertTrue(lock.isValid(), "another channel's lock survives");
        assertEquals(5, other.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), 9_998));
        ByteBuffer back = ByteBuffer.allocate(7);
        assertEquals(7, other.read(back, 9_996));
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 4, 5}, back.array());
        lock.release();
      }
    }
  }
}
