package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.Algorithm;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.LogEntry;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Creating a small file, writing it and closing it makes only the underlying calls it needs.
 * Programs that make many small files pay each call per file, so the counts are pinned here.
 */
class NewFileCallsTest {
  private final FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
  private final InMemoryKeys keys = new InMemoryKeys("k0");
  private final List<byte[]> draws = new CopyOnWriteArrayList<>();
  private final OpenFiles files =
      new OpenFiles(
          keys,
          new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
              super.nextBytes(bytes);
              draws.add(bytes.clone());
            }
          });
  private final FaultInjectingFileSystem faults;

  NewFileCallsTest() throws IOException {
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
  }

  @AfterEach
  void close() throws IOException {
    jimfs.close();
  }

  @Test
  void aNewFileAsksItsRawSizeOnceWhenMadeAndAtCloseAndWritesFiveTimes() throws IOException {
    files.setCreateSync(false); // so that every write stays in the unforced log counted below
    AtomicInteger sizes = new AtomicInteger();
    faults.beforeSizes(p -> sizes.incrementAndGet());
    try (FileChannel ch = create("f")) {
      // Once the creation holds the writer lock it checks the file is still empty: a creation
      // stalled before its lock may find another program took the file (CreationLostRaceTest).
      assertEquals(1, sizes.get(), "raw size calls of the creation");
      ch.write(ByteBuffer.wrap(new byte[4096]), 0);
      // The creation wrote the whole front region and has held the writer lock since: the first
      // write knows there is nothing past it.
      assertEquals(1, sizes.get(), "raw size calls up to the first write");
    }
    assertEquals(2, sizes.get(), "raw size calls up to the close");

    List<LogEntry> writes = faults.recording().file("f").unforced();
    // The header with the first tail record, the front region's last byte, the home block, its
    // tail record, and the record that closes the runway.
    assertEquals(5, writes.size(), writes.toString());
  }

  /**
   * The file id, the data key, and one key salt for the whole session, in one draw cut into three
   * parts: the creation's first tail record and the writes after it share one content subkey,
   * derived once here and once per load.
   */
  @Test
  void aNewFileAndItsFirstWritesDrawRandomBytesOnce() throws IOException {
    try (FileChannel ch = create("f")) {
      ch.write(ByteBuffer.wrap(new byte[4096 + 100]), 0);
      ch.write(ByteBuffer.wrap(new byte[10]), 4096 + 100);
    }
    assertEquals(1, draws.size(), "random draws");
    byte[] drawn = draws.get(0);
    assertEquals(16 + 32 + 16, drawn.length);
    byte[] raw = Files.readAllBytes(faults.root().resolve("f"));
    // The id in the header, the salt opening every nonce: disjoint parts of the draw, and the
    // key between them appears nowhere in the clear.
    assertArrayEquals(Arrays.copyOfRange(drawn, 0, 16), Arrays.copyOfRange(raw, 16, 32), "id");
    int nonceAt = 512 + 24; // tail slot 0: its record's metadata, then its nonce
    assertArrayEquals(
        Arrays.copyOfRange(drawn, 48, 64),
        Arrays.copyOfRange(raw, nonceAt, nonceAt + 16),
        "key salt");
    assertEquals(-1, indexOf(raw, Arrays.copyOfRange(drawn, 16, 48)), "data key in the clear");
    try (FileChannel ch =
        files.newFileChannel(
            faults.root().resolve("f"), "/f", EnumSet.of(StandardOpenOption.READ), null)) {
      assertEquals(4096 + 110, ch.size());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  private FileChannel create(String name) throws IOException {
    return files.newFileChannel(
        faults.root().resolve(name),
        "/" + name,
        EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "k0"));
  }
}
