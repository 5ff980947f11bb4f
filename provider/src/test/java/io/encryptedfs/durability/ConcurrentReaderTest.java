package io.encryptedfs.durability;

import static io.encryptedfs.durability.NestedRoots.append;
import static io.encryptedfs.durability.NestedRoots.nested;
import static io.encryptedfs.durability.NestedRoots.newFilesUnder;
import static io.encryptedfs.durability.NestedRoots.open;
import static io.encryptedfs.durability.NestedRoots.openWriteThrough;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader beside a writer in another program (here a root nested in another, see {@link
 * NestedRoots}): it follows the other program's changes as on a plain file, reads again a block met
 * while it is overwritten in place, and never holds the writer off, whether it reads, forces or has
 * the file rewrapped.
 */
class ConcurrentReaderTest {
  @TempDir Path tmp;

  private Path root() throws IOException {
    return NestedRoots.root(tmp);
  }

  /**
   * A change can share the timestamp of the one before it (the clock ticks coarsely). A reader that
   * looked at the file soon after its modification therefore looks again even when the timestamp is
   * unchanged, until a look begins well after it; the time since the modification alone is not
   * enough. Here the other program's append keeps the timestamp of the write before it, set 2 s in
   * the past, and the reader asks again once that is more than 3 s ago.
   */
  @Test
  void aChangeThatKeepsTheTimestampIsStillSeen() throws Exception {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/log"), "one\n");
      Path raw = root.resolve("sub/log"); // names are stored in the clear
      FileTime tick = FileTime.fromMillis(System.currentTimeMillis() - 2_000);
      Files.setLastModifiedTime(raw, tick);
      try (FileChannel reader = FileChannel.open(b.getPath("/log"), READ)) {
        assertEquals(4, reader.size());
        long looked = System.currentTimeMillis();
        assertTrue(looked - tick.toMillis() < 3_000, "the look began within 3 s of the change");
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/log"), WRITE, APPEND)) {
          append(writer, "two\n");
        }
        Files.setLastModifiedTime(raw, tick);
        Thread.sleep(Math.max(0, tick.toMillis() + 3_100 - System.currentTimeMillis()));
        assertEquals(8, reader.size());
      }
    }
  }

  /**
   * A session that only reads never writes the file, even where it could claim it: here the writer
   * forced its last record and handed the file over with its lock, leaving the runway it opened for
   * its own writes; closing that is the writer's business, not the reader's.
   */
  @Test
  void aReaderNeverWritesTheFile() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      try (FileChannel writer = FileChannel.open(a.getPath("/sub/f"), CREATE, READ, WRITE)) {
        try (FileLock lock = writer.lock()) {
          writer.write(ByteBuffer.wrap("data".getBytes(UTF_8)), 0);
          writer.force(true);
        }
        byte[] before = Files.readAllBytes(root.resolve("sub/f")); // names are stored in the clear
        try (FileChannel reader = FileChannel.open(b.getPath("/f"), READ, WRITE)) {
          assertEquals(4, reader.read(ByteBuffer.allocate(10), 0));
        }
        assertEquals("data", Files.readString(b.getPath("/f")));
        assertArrayEquals(before, Files.readAllBytes(root.resolve("sub/f")));
      }
    }
  }

  /**
   * A reader's last block is its own copy, so reading it looks at the file again first, as it does
   * at the end: here another program rewrites bytes in place in the last block, leaving the size as
   * it was.
   */
  @Test
  void aReaderOfTheLastBlockSeesAnotherProgramsChange() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/f"), "x".repeat(5000) + "hello world");
      try (FileChannel reader = FileChannel.open(b.getPath("/f"), READ)) {
        ByteBuffer got = ByteBuffer.allocate(5);
        reader.read(got, 5000);
        assertEquals("hello", new String(got.array(), UTF_8));
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/f"), WRITE)) {
          writer.write(ByteBuffer.wrap("HELLO".getBytes(UTF_8)), 5000);
        }
        got.clear();
        reader.read(got, 5000);
        assertEquals("HELLO", new String(got.array(), UTF_8));
      }
    }
  }

  /**
   * A reader follows another program's appends, as on a plain file: where it meets the end (its
   * size, a read at the end) it looks at the file's front region again. Write-through by design,
   * whatever the surefire execution says: in the buffered mode another program sees an append only
   * once its tail record is written, up to {@code write.buffer.millis} later.
   */
  @Test
  void aReaderFollowsAnotherProgramsAppends() throws IOException {
    Path root = root();
    try (FileSystem a = openWriteThrough(root);
        FileSystem b = openWriteThrough(nested(root))) {
      Files.writeString(a.getPath("/sub/log"), "one\n");
      try (FileChannel reader = FileChannel.open(b.getPath("/log"), READ);
          FileChannel writer = FileChannel.open(a.getPath("/sub/log"), WRITE, APPEND)) {
        ByteBuffer got = ByteBuffer.allocate(64);
        assertEquals(4, reader.read(got, 0));
        assertEquals(-1, reader.read(got, 4));
        append(writer, "two\n");
        assertEquals(4, reader.read(got, 4), "a read at the end finds the append");
        append(writer, "three\n".repeat(1000));
        assertEquals(8 + 6000, reader.size());
        ByteBuffer all = ByteBuffer.allocate(8 + 6000);
        while (all.hasRemaining() && reader.read(all, all.position()) > 0) {
          // read to the end
        }
        assertEquals("one\ntwo\n" + "three\n".repeat(1000), new String(all.array(), UTF_8));
        assertEquals(8 + 6000, Files.size(b.getPath("/log")));
      }
    }
  }

  /**
   * A rewrap writes a header, a writer's work, for which it takes the writer lock. A file this
   * program only reads keeps no writer lock after it, or the program that writes the file would be
   * refused until this one closed its reader.
   */
  @Test
  void aRewrapOfAFileOpenHereForReadingDoesNotHoldOffItsWriter() throws IOException {
    Path root = root();
    InMemoryKeys keys = new InMemoryKeys("master", "other");
    // The rewrapping program is the nested root: an outer root's rewrap does not enter it.
    try (FileSystem b = EncryptedFileSystems.newFileSystem(root, newFilesUnder(keys, "master"));
        FileSystem a =
            EncryptedFileSystems.newFileSystem(nested(root), newFilesUnder(keys, "other"))) {
      Files.writeString(b.getPath("/sub/f"), "one\n");
      try (FileChannel reader = FileChannel.open(a.getPath("/f"), READ)) {
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(a, event -> {});
        assertTrue(report.failed().isEmpty(), report.toString());
        assertTrue(KeyRotation.users(a, "master").isEmpty());
        try (FileChannel writer = FileChannel.open(b.getPath("/sub/f"), WRITE, APPEND)) {
          append(writer, "two\n");
        }
        assertEquals(8, reader.size(), "the reader follows the writer");
      }
      assertEquals("one\ntwo\n", Files.readString(a.getPath("/f")));
    }
  }

  @Test
  void aReaderThatForcesDoesNotHoldOffTheWriters() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/f"), "one\n");
      try (FileChannel reader = FileChannel.open(b.getPath("/f"), READ, WRITE)) {
        // Records the forced sequence in the header (the writer never forced): a writer's work,
        // for which the reader claims the file and lets it go again.
        reader.force(true);
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/f"), WRITE, APPEND)) {
          append(writer, "two\n");
        }
        assertEquals(8, reader.size(), "the reader follows the writer");
      }
      assertEquals("one\ntwo\n", Files.readString(b.getPath("/f")));
    }
  }

  /**
   * A reader can meet a block while another program overwrites it in place: a torn read fails
   * authentication though nothing is damaged. While another program holds the writer lock, the read
   * is tried again (three times in all) before the block is reported damaged. The fault file system
   * over the real disk (real locks) tears the block for the first read and mends it before the
   * next, as the writer's completed overwrite would.
   */
  @Test
  void aBlockReadWhileAnotherProgramOverwritesItIsReadAgain() throws Exception {
    Path disk = root();
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(disk);
    Path root = Files.createDirectories(faults.root().resolve("r"));
    byte[] content = new byte[3 * 4096];
    new java.util.Random(9).nextBytes(content);
    long torn = Geometry.ofBlockSize(4096).homeOffset(1) + 100;
    try (FileSystem a = open(root);
        FileSystem b = open(Files.createDirectories(root.resolve("sub")))) {
      Files.write(a.getPath("/sub/f"), content);
      // Kept open to the end: closing a channel would release this program's locks on the file.
      try (FileChannel tamper = FileChannel.open(disk.resolve("r/sub/f"), READ, WRITE);
          FileChannel writer = FileChannel.open(a.getPath("/sub/f"), WRITE);
          FileChannel reader = FileChannel.open(b.getPath("/f"), READ)) {
        writer.write(ByteBuffer.wrap(new byte[] {content[5]}), 5); // a holds the writer lock
        ByteBuffer original = ByteBuffer.allocate(1);
        tamper.read(original, torn);
        AtomicInteger reads = new AtomicInteger();
        faults.beforeReads(
            path -> {
              if (!path.endsWith("f")) {
                return;
              }
              int n = reads.incrementAndGet();
              byte b0 = original.get(0);
              byte now = n == 1 ? (byte) (b0 ^ 0x40) : b0; // torn, then mended
              try {
                tamper.write(ByteBuffer.wrap(new byte[] {now}), torn);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
        ByteBuffer got = ByteBuffer.allocate(content.length);
        assertEquals(content.length, reader.read(got, 0));
        assertArrayEquals(content, got.array());
        assertEquals(2, reads.get(), "read once torn, then again");

        // Torn for good: reported after the third read.
        faults.beforeReads(path -> {});
        tamper.write(ByteBuffer.wrap(new byte[] {(byte) (original.get(0) ^ 0x40)}), torn);
        DamagedFileException e =
            assertThrows(
                DamagedFileException.class, () -> reader.read(ByteBuffer.allocate(10), 4096));
        assertEquals(1, e.block());
        tamper.write(ByteBuffer.wrap(new byte[] {original.get(0)}), torn);
      }
    }
  }

  /**
   * A reader loads the file again while the other program appends: it reads the raw length, the
   * writer adds a home block and writes two records (into the slots of the two newest the reader
   * knew), and then it reads the tail slots. The newest records need the block, which the length it
   * read has not; so the choice a crash would make fell back to the newest record that length fits,
   * the one forced long before, and the reader took it: the file it had read 5,020 bytes of shrank
   * to 5,000, with no truncation anywhere. A reader keeps the newer state it has, and finds the
   * file's end at the next look. The fault file system runs the writer's appends from the reader's
   * first read after its length, once.
   */
  @Test
  void aReaderNeverGoesBackToAnOlderRecordItReadWhileTheWriterAppended() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk"));
    Path root = Files.createDirectories(disk.resolve("root"));
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(disk);
    try (FileSystem a = openWriteThrough(root);
        FileSystem b = openWriteThrough(faults.root().resolve("root/sub"));
        FileChannel writer = FileChannel.open(a.getPath("/sub/log"), CREATE, WRITE, APPEND)) {
      writer.write(ByteBuffer.allocate(5_000)); // a home block, and the runway open
      writer.force(true); // the durable slot keeps this record from now on
      writer.write(ByteBuffer.allocate(10));
      writer.write(ByteBuffer.allocate(10));
      try (FileChannel reader = FileChannel.open(b.getPath("/log"), READ)) {
        assertEquals(5_020, reader.size());
        writer.write(ByteBuffer.allocate(10)); // the reader looks again at its next size
        AtomicInteger stage = new AtomicInteger();
        faults.beforeSizes(path -> stage.compareAndSet(0, 1));
        faults.beforeReads(
            path -> {
              if (stage.compareAndSet(1, 2)) {
                try {
                  writer.write(ByteBuffer.allocate(4_000)); // a second home block
                  writer.write(ByteBuffer.allocate(10));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            });
        long seen = reader.size();
        faults.beforeReads(path -> {});
        faults.beforeSizes(path -> {});
        assertEquals(2, stage.get(), "the writer appended while the reader loaded the file");
        assertTrue(seen >= 5_020, "the reader's size went from 5020 to " + seen);
        long later = System.currentTimeMillis() + 5_000;
        while (reader.size() != 9_040 && System.currentTimeMillis() < later) {
          Thread.sleep(10);
        }
        assertEquals(9_040, reader.size(), "the end, at a later look");
      }
    }
  }

  /**
   * As above, for a program that has not the file open: {@code Files.size} loads it, and the writer
   * appends between the load's raw length and its slots. The load chose the record forced long
   * before (5,000 bytes), where the file had never been shorter than 5,020 since. A load whose
   * choice fell back while the raw length changed under it loads again.
   */
  @Test
  void aLoadDuringAnAppendFindsTheWritersEnd() throws Exception {
    Path disk = Files.createDirectories(tmp.resolve("disk"));
    Path root = Files.createDirectories(disk.resolve("root"));
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(disk);
    try (FileSystem a = openWriteThrough(root);
        FileSystem b = openWriteThrough(faults.root().resolve("root/sub"));
        FileChannel writer = FileChannel.open(a.getPath("/sub/log"), CREATE, WRITE, APPEND)) {
      writer.write(ByteBuffer.allocate(5_000));
      writer.force(true);
      writer.write(ByteBuffer.allocate(10));
      writer.write(ByteBuffer.allocate(10));
      writer.write(ByteBuffer.allocate(10));
      assertEquals(5_030, Files.size(b.getPath("/log")));
      AtomicInteger stage = new AtomicInteger();
      faults.beforeSizes(path -> stage.compareAndSet(0, 1));
      faults.beforeReads(
          path -> {
            if (stage.compareAndSet(1, 2)) {
              try {
                writer.write(ByteBuffer.allocate(4_000));
                writer.write(ByteBuffer.allocate(10));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
      long seen = Files.size(b.getPath("/log"));
      faults.beforeReads(path -> {});
      faults.beforeSizes(path -> {});
      assertEquals(2, stage.get(), "the writer appended while the file loaded");
      assertEquals(9_040, seen, "the size of a load during an append");
    }
  }
}
