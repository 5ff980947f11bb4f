package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per file across programs and across file systems that reach the same file (here a
 * root nested in another: {@code /sub/f} of one is {@code /f} of the other). Each keeps its own view
 * of a file's end, so before this a second writer overwrote the first one's tail records: two
 * writers appending five records each left five. Now a second writer is refused with {@link ConcurrentWriterException}, and so is a writer
 * whose view is older than the file on disk; nothing already stored changes.
 */
class ConcurrentWriterTest {
  private static final long SEED = 77;

  @TempDir Path tmp;

  private Path root() throws IOException {
    return Files.createDirectories(tmp.resolve("root"));
  }

  /** Settings whose new files, and rewraps, use master key {@code alias} of {@code keys}. */
  private static Map<String, Object> newFilesUnder(InMemoryKeys keys, String alias) {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_ALIAS, alias);
    return env;
  }

  /** A root inside {@code root}, at {@code /sub} of it. */
  private static Path nested(Path root) throws IOException {
    return Files.createDirectories(root.resolve("sub"));
  }

  private FileSystem open(Path dir) throws IOException {
    return EncryptedFileSystems.newFileSystem(dir, WalAppender.env(SEED));
  }

  private static void append(FileChannel c, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(UTF_8));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  @Test
  void aSecondWriterIsRefusedAndTheFirstKeepsItsData() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      try (FileChannel ca = FileChannel.open(a.getPath("/sub/f"), CREATE, WRITE, APPEND);
          FileChannel cb = FileChannel.open(b.getPath("/f"), CREATE, WRITE, APPEND)) {
        append(ca, "A0\n");
        ConcurrentWriterException e =
            assertThrows(ConcurrentWriterException.class, () -> append(cb, "B0\n"));
        assertEquals("/f", e.getFile());
        assertTrue(e.getMessage().contains("is writing it"), e.getMessage());
        assertThrows(
            ConcurrentWriterException.class, () -> cb.write(ByteBuffer.wrap(new byte[1]), 0));
        append(ca, "A1\n");
        assertEquals(6, ca.size());
      }
    }
    try (FileSystem a = open(root)) {
      assertEquals("A0\nA1\n", Files.readString(a.getPath("/sub/f")));
    }
  }

  @Test
  void aWriterWhoseViewIsOlderThanTheDiskIsRefusedUntilItLooksAgain() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/f"), "first\n");
      try (FileChannel stale = FileChannel.open(b.getPath("/f"), READ, WRITE)) {
        try (FileChannel ca = FileChannel.open(a.getPath("/sub/f"), WRITE, APPEND)) {
          append(ca, "second\n");
        }
        // b's view still ends at 6: a write there would overwrite "second" and drop its record.
        ConcurrentWriterException e =
            assertThrows(
                ConcurrentWriterException.class,
                () -> stale.write(ByteBuffer.wrap("lost?".getBytes(UTF_8)), 6));
        assertTrue(e.getMessage().contains("changed it since it was opened"), e.getMessage());
        // Asking for the size looks at the file again, as reopening it would.
        assertEquals(13, stale.size());
        stale.write(ByteBuffer.wrap("third\n".getBytes(UTF_8)), 13);
      }
      assertEquals("first\nsecond\nthird\n", Files.readString(a.getPath("/sub/f")));
    }
  }

  /**
   * A reader follows another program's appends, as on a plain file: where it meets the end (its
   * size, a read at the end) it looks at the file's front region again.
   */
  @Test
  void aReaderFollowsAnotherProgramsAppends() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
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

  @Test
  void aRewrapIsRefusedWhileAnotherFileSystemWritesTheFile() throws IOException {
    Path root = root();
    InMemoryKeys keys = new InMemoryKeys("master", "other");
    Map<String, Object> toOther = newFilesUnder(keys, "other");
    try (FileSystem a = TestRoots.open(root, keys, "AES-256-GCM", 4096);
        FileSystem b =
            EncryptedFileSystems.newFileSystem(Files.createDirectories(root.resolve("sub")), toOther)) {
      Files.writeString(a.getPath("/sub/idle"), "closed");
      try (FileChannel ca = FileChannel.open(a.getPath("/sub/f"), CREATE, WRITE, APPEND)) {
        append(ca, "data");
        KeyRotation.RewrapReport report = KeyRotation.rewrapAll(b, event -> {});
        assertEquals(1, report.failed().size(), report.toString());
        assertTrue(report.failed().get(0).startsWith("/f: another program"), report.toString());
        // the file nobody writes; b's own marker was made with "other"
        assertEquals(1, report.rewrapped(), report.toString());
        assertEquals(1, report.unchanged(), report.toString());
        append(ca, " more");
      }
      // once the writer has closed it, the rewrap goes through, and the data is whole
      assertEquals(1, KeyRotation.rewrapAll(b, event -> {}).rewrapped());
      assertEquals(3, KeyRotation.rewrapAll(b, event -> {}).unchanged());
      assertEquals("data more", Files.readString(b.getPath("/f")));
    }
  }

  @Test
  void aRewrapElsewhereSinceTheFileWasOpenedIsSeenBeforeTheNextWrite() throws IOException {
    Path root = root();
    InMemoryKeys keys = new InMemoryKeys("master", "other");
    Map<String, Object> toOther = newFilesUnder(keys, "other");
    try (FileSystem a = TestRoots.open(root, keys, "AES-256-GCM", 4096)) {
      Files.createDirectories(a.getPath("/sub"));
      Files.writeString(a.getPath("/sub/f"), "before");
      try (FileChannel opened = FileChannel.open(a.getPath("/sub/f"), READ, WRITE)) {
        try (FileSystem b = EncryptedFileSystems.newFileSystem(root.resolve("sub"), toOther)) {
          assertEquals(1, KeyRotation.rewrapAll(b, event -> {}).rewrapped());
        }
        // Writing would put a header of the old wrapping back over the rewrapped one.
        ConcurrentWriterException e =
            assertThrows(
                ConcurrentWriterException.class,
                () -> opened.write(ByteBuffer.wrap("x".getBytes(UTF_8)), 6));
        assertTrue(e.getMessage().contains("header was rewritten"), e.getMessage());
      }
      assertEquals("before", Files.readString(a.getPath("/sub/f")));
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
   * authentication though nothing is damaged. While another program holds the writer lock, the
   * read is tried again (three times in all) before the block is reported damaged. The fault file
   * system over the real disk (real locks) tears the block for the first read and mends it
   * before the next, as the writer's completed overwrite would.
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
            assertThrows(DamagedFileException.class, () -> reader.read(ByteBuffer.allocate(10), 4096));
        assertEquals(1, e.block());
        tamper.write(ByteBuffer.wrap(new byte[] {original.get(0)}), torn);
      }
    }
  }

  @Test
  void callerLocksStillWorkBesideTheWriterLock() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileChannel c1 = FileChannel.open(a.getPath("/f"), CREATE, WRITE, READ);
        FileChannel c2 = FileChannel.open(a.getPath("/f"), WRITE, READ)) {
      append(c1, "x");
      FileLock whole = c1.lock();
      assertTrue(whole.isValid());
      assertEquals(Long.MAX_VALUE, whole.size());
      // As on a plain file: one program's channels on one file share its locks' ranges.
      assertThrows(OverlappingFileLockException.class, () -> c2.tryLock(5, 1, false));
      append(c2, "y");
      whole.release();
      FileLock first = c2.tryLock(0, 1, true);
      assertNotNull(first);
      first.release();
    }
  }

  @Test
  void anotherProgramWritingTheFileIsDetected() throws Exception {
    Path root = root();
    try (FileSystem fs = open(root)) {
      Files.writeString(fs.getPath("/f"), "parent\n");
    }
    try (FileSystem fs = open(root);
        FileChannel stale = FileChannel.open(fs.getPath("/f"), READ, WRITE)) {
      Process child = start(root, "child\n");
      try (BufferedReader out =
              new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
          OutputStream in = child.getOutputStream()) {
        assertEquals("ready.", out.readLine());
        ConcurrentWriterException busy =
            assertThrows(
                ConcurrentWriterException.class,
                () -> stale.write(ByteBuffer.wrap("x".getBytes(UTF_8)), 0));
        assertTrue(busy.getMessage().contains("is writing it"), busy.getMessage());
        in.write('\n');
        in.flush();
        assertEquals("closed.", out.readLine());
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue());
      } finally {
        child.destroyForcibly();
      }
      ConcurrentWriterException changed =
          assertThrows(
              ConcurrentWriterException.class,
              () -> stale.write(ByteBuffer.wrap("x".getBytes(UTF_8)), 0));
      assertTrue(changed.getMessage().contains("changed it since"), changed.getMessage());
    }
    try (FileSystem fs = open(root)) {
      assertEquals("parent\nchild\n", Files.readString(fs.getPath("/f")));
    }
  }

  /**
   * POSIX locks belong to the process: closing any channel on a file releases every lock the
   * program holds on it, whatever the JDK's {@code FileLock.isValid()} says. Key usage and rewrap
   * read every file's header, and once did so through a channel of their own, which released the
   * locks of files open here: another program could then take a caller's lock (Lucene's
   * {@code write.lock}) or the writer lock.
   */
  @Test
  void keyToolsLeaveThisProgramsLocksHeld() throws Exception {
    Path root = root();
    try (FileSystem fs = open(root);
        FileChannel c = FileChannel.open(fs.getPath("/f"), CREATE, READ, WRITE)) {
      append(c, "data");
      FileLock lock = c.lock();
      Path raw = root.resolve("f"); // names are stored in the clear
      assertEquals("busy busy", probe(raw), "the writer lock (byte 0) and the caller's lock");
      KeyRotation.usage(fs);
      KeyRotation.rewrapAll(fs, event -> {});
      KeyRotation.describe(fs);
      assertEquals("busy busy", probe(raw));
      lock.release();
      assertEquals("busy free", probe(raw));
    }
  }

  /**
   * A program creating a file holds its writer lock from before the file's header exists, so a
   * second program that opens it in that instant (two services creating one lock file at start-up)
   * waits for the front region instead of reporting the file damaged. Here the creator is a raw
   * channel of this program that holds byte 0 while the file is still empty.
   */
  @Test
  void aFileAnotherProgramIsCreatingIsWaitedFor() throws Exception {
    Path root = root();
    try (FileSystem fs = open(root)) {
      Files.writeString(fs.getPath("/template"), "hello");
      byte[] whole = Files.readAllBytes(root.resolve("template"));
      Path raw = Files.createFile(root.resolve("f"));
      try (FileChannel creator = FileChannel.open(raw, READ, WRITE)) {
        FileLock creating = creator.lock(0, 1, false);
        CompletableFuture<Void> finish =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    Thread.sleep(200);
                    creator.write(ByteBuffer.wrap(whole), 0);
                    creating.release();
                  } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
        assertEquals("hello", Files.readString(fs.getPath("/f")));
        finish.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String probe(Path raw) throws Exception {
    Process child = ChildJvm.start(LockProbe.class, raw.toString(), "0", "1");
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      String line = out.readLine();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      return line;
    } finally {
      child.destroyForcibly();
    }
  }

  private static Process start(Path root, String text) throws IOException {
    return ChildJvm.start(WriterChild.class, root.toString(), Long.toString(SEED), text);
  }
}
