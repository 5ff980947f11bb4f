package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blocks a read covers whole are opened straight into the caller's heap buffer: only the bytes the
 * read asks for are written, the buffer's limit is kept, and a block that fails authentication
 * leaves zeros, never the cleartext the cipher produced before it checked the tag.
 */
class HomeBlockReaderTest {
  private static final int BLOCK = 4096;
  private static final byte SENTINEL = (byte) 0xA5;

  /** About 1.5 MiB: a run the helpers share. */
  private static final int LONG_RUN = 391;

  /** Short reads stay on the caller; 40 blocks are shared with the helpers. */
  @ParameterizedTest
  @ValueSource(ints = {3, 40})
  void readsIntoAnOffsetHeapBufferTouchOnlyTheirRange(int blocks) throws Exception {
    byte[] data = new byte[blocks * BLOCK + 100];
    new Random(blocks).nextBytes(data);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), "AES-256-GCM", BLOCK)) {
      Path f = fs.getPath("/f");
      Files.write(f, data);
      // A slice (array offset 7) positioned at 5 with a limit short of its capacity; the read
      // starts 10 bytes before a block boundary so that whole blocks follow a partial one.
      byte[] backing = new byte[data.length + 64];
      Arrays.fill(backing, SENTINEL);
      ByteBuffer dst = ByteBuffer.wrap(backing, 7, backing.length - 7).slice();
      int want = (blocks - 1) * BLOCK;
      dst.position(5).limit(5 + want);
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        assertEquals(want, ch.read(dst, BLOCK - 10));
      }
      assertEquals(5 + want, dst.position());
      assertEquals(5 + want, dst.limit());
      assertArrayEquals(
          Arrays.copyOfRange(data, BLOCK - 10, BLOCK - 10 + want),
          Arrays.copyOfRange(backing, 12, 12 + want));
      for (int i = 0; i < backing.length; i++) {
        if (i < 12 || i >= 12 + want) {
          assertEquals(SENTINEL, backing[i], "byte outside the read changed at " + i);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 40})
  void aDamagedBlockLeavesZerosAndTheBufferAsItWas(int blocks) throws Exception {
    byte[] data = new byte[blocks * BLOCK];
    new Random(blocks + 1).nextBytes(data);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = jimfs.getPath("/d");
      InMemoryKeys keys = new InMemoryKeys("master");
      try (FileSystem fs = TestRoots.open(dir, keys, "CHACHA20-POLY1305", BLOCK)) {
        Files.write(fs.getPath("/f"), data);
      }
      long bad = blocks - 2;
      flipByte(dir.resolve("f"), Geometry.ofBlockSize(BLOCK).homeOffset(bad) + 60);
      try (FileSystem fs = TestRoots.open(dir, keys, "CHACHA20-POLY1305", BLOCK);
          FileChannel ch = FileChannel.open(fs.getPath("/f"), StandardOpenOption.READ)) {
        byte[] backing = new byte[data.length + 32];
        Arrays.fill(backing, SENTINEL);
        ByteBuffer dst = ByteBuffer.wrap(backing, 16, data.length).slice();
        DamagedFileException e = assertThrows(DamagedFileException.class, () -> ch.read(dst, 0));
        assertEquals(bad, e.block());
        assertEquals(BLOCK, e.blockSize(), "the bytes lost are the block's");
        assertEquals(0, dst.position(), "a failed read consumes nothing");
        assertEquals(data.length, dst.limit());
        int from = 16 + (int) (bad * BLOCK);
        for (int i = from; i < from + BLOCK; i++) {
          assertEquals(0, backing[i], "no byte of the damaged block reaches the buffer, at " + i);
        }
        for (int i = 0; i < 16; i++) {
          assertEquals(SENTINEL, backing[i]);
          assertEquals(SENTINEL, backing[backing.length - 1 - i]);
        }
      }
    }
  }

  @Test
  void aLargeReadReportsTheFirstDamagedBlock() throws Exception {
    byte[] data = new byte[LONG_RUN * BLOCK];
    new Random(12).nextBytes(data);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = jimfs.getPath("/d");
      InMemoryKeys keys = new InMemoryKeys("master");
      Path raw;
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
        Files.write(fs.getPath("/big"), data);
        raw = dir.resolve("big");
      }
      Geometry g = Geometry.ofBlockSize(BLOCK);
      long early = LONG_RUN / 2 + 3;
      long late = LONG_RUN - 2;
      flipByte(raw, g.homeOffset(late) + 100);
      flipByte(raw, g.homeOffset(early) + 100);
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK);
          FileChannel ch = FileChannel.open(fs.getPath("/big"), StandardOpenOption.READ)) {
        ByteBuffer dst = ByteBuffer.allocate(data.length);
        DamagedFileException e = assertThrows(DamagedFileException.class, () -> ch.read(dst, 0));
        assertEquals(early, e.block());
        assertEquals(BLOCK, e.blockSize());
        byte[] got = dst.array();
        for (int i = (int) g.blockStart(early); i < g.blockStart(early + 1); i++) {
          assertEquals(0, got[i], "no byte of the damaged block reaches the caller, at " + i);
        }
        assertEquals(0, dst.position(), "a failed read consumes nothing");
      }
    }
  }

  /**
   * A long run is read and opened in slices, by this thread and the crypto helpers at once; a raw
   * file that ends inside the run is reported at its first missing block, as when the whole run was
   * read at once.
   */
  @Test
  void aRawFileEndingInsideALongRunIsReportedAtItsFirstMissingBlock() throws Exception {
    byte[] data = new byte[LONG_RUN * BLOCK];
    new Random(13).nextBytes(data);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = jimfs.getPath("/d");
      InMemoryKeys keys = new InMemoryKeys("master");
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
        Files.write(fs.getPath("/big"), data);
      }
      Geometry g = Geometry.ofBlockSize(BLOCK);
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK);
          FileChannel ch = FileChannel.open(fs.getPath("/big"), StandardOpenOption.READ)) {
        // Cut by another program while open (an open checks the raw length), inside a block in
        // the third 64 KiB slice and inside a slice of any smaller size.
        long cut = 37;
        try (FileChannel raw =
            FileChannel.open(
                dir.resolve("big"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          raw.truncate(g.homeOffset(cut) + 1000);
        }
        ByteBuffer dst = ByteBuffer.allocate(data.length);
        DamagedFileException e = assertThrows(DamagedFileException.class, () -> ch.read(dst, 0));
        assertEquals(cut, e.block());
        assertEquals(BLOCK, e.blockSize());
        assertTrue(e.getMessage().contains("raw file ends inside this block"), e.getMessage());
        ByteBuffer before = ByteBuffer.allocate((int) g.blockStart(cut));
        assertEquals(before.capacity(), ch.read(before, 0));
        assertArrayEquals(Arrays.copyOf(data, before.capacity()), before.array());
      }
    }
  }

  /**
   * A raw read that fails on a crypto helper, reading its slice of a long run, fails the caller's
   * read with that read's exception; the next read of the run returns the right bytes.
   */
  @Test
  void aRawReadFailingOnAHelperFailsTheCallersRead() throws Exception {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      assertFalse(BlockWork.worthSharing(LONG_RUN, BLOCK), "one core: no helper, no slices");
      return;
    }
    byte[] data = new byte[LONG_RUN * BLOCK];
    new Random(14).nextBytes(data);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs =
              TestRoots.open(faults.root(), new InMemoryKeys("master"), "AES-256-GCM", BLOCK);
          FileChannel ch =
              FileChannel.open(
                  fs.getPath("/big"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(data), 0);
        AtomicBoolean armed = new AtomicBoolean(true);
        UncheckedIOException injected = new UncheckedIOException(new IOException("injected"));
        faults.beforeReads(
            path -> {
              if (path.endsWith("big") && onHelper() && armed.compareAndSet(true, false)) {
                throw injected;
              }
            });
        ByteBuffer dst = ByteBuffer.allocate(data.length);
        // A helper that is asleep may wake after the caller has claimed every slice; the next
        // read finds it awake.
        for (int attempt = 0; attempt < 200 && armed.get(); attempt++) {
          dst.clear();
          try {
            ch.read(dst, 0);
          } catch (UncheckedIOException e) {
            assertSame(injected, e);
            assertFalse(armed.get(), "the read that failed is the one the helper made");
          }
        }
        assertFalse(armed.get(), "a helper read a slice in 200 reads of 1.5 MiB");
        faults.beforeReads(path -> {});
        dst.clear();
        assertEquals(data.length, ch.read(dst, 0));
        assertArrayEquals(data, dst.array());
      }
    }
  }

  private static boolean onHelper() {
    return Thread.currentThread().getName().startsWith("encryptedfs-crypto-");
  }

  private static void flipByte(Path raw, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x40));
      b.rewind();
      ch.write(b, offset);
    }
  }
}
