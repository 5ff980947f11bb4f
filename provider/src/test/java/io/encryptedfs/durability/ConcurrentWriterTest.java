package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
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
import java.nio.file.attribute.FileTime;
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
 * writers appending five records each left five. Now a second writer is refused with {@link
 * ConcurrentWriterException} while the first holds the file (until it closes it or gives up its
 * last lock on it), nothing already stored changes, and a writer whose view is older than the disk
 * catches up before it writes, so that its write lands where it would on a plain file.
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

  private static FileSystem openWriteThrough(Path dir) throws IOException {
    Map<String, Object> env = WalAppender.env(SEED);
    env.put(EncryptedFileSystems.WRITE_MODE, "write-through");
    return EncryptedFileSystems.newFileSystem(dir, env);
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

  /**
   * A program's view is older than the disk when another wrote the file since it looked. Its next
   * write catches up first, so both a positional write and an append land where they would on a
   * plain file that two programs share; before, the positional write at the old end would have
   * overwritten the other writer's tail record.
   */
  @Test
  void aWriterWhoseViewIsOlderThanTheDiskCatchesUpAsOnAPlainFile() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    String expected = staleWrites(plain.resolve("f"), plain.resolve("f"));
    assertEquals("first\nlost?d\nthird\n", expected);
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      assertEquals(expected, staleWrites(a.getPath("/sub/f"), b.getPath("/f")));
    }
  }

  /** The same with 64 KiB blocks (the tail slots, and the records the check compares, grow). */
  @Test
  void aStaleViewIsSeenWithLargeBlocksToo() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    String expected = staleWrites(plain.resolve("f"), plain.resolve("f"));
    Path root = root();
    Map<String, Object> large = WalAppender.env(SEED);
    large.put(EncryptedFileSystems.BLOCK_SIZE, "65536");
    try (FileSystem a = EncryptedFileSystems.newFileSystem(root, large);
        FileSystem b = EncryptedFileSystems.newFileSystem(nested(root), large)) {
      assertEquals(expected, staleWrites(a.getPath("/sub/f"), b.getPath("/f")));
    }
  }

  /** Writes through {@code second} after another program wrote through {@code first}. */
  private static String staleWrites(Path first, Path second) throws IOException {
    Files.writeString(first, "first\n");
    try (FileChannel stale = FileChannel.open(second, READ, WRITE);
        FileChannel staleAppender = FileChannel.open(second, WRITE, APPEND)) {
      assertEquals(6, stale.read(ByteBuffer.allocate(64), 0));
      try (FileChannel other = FileChannel.open(first, WRITE, APPEND)) {
        append(other, "second\n");
      }
      stale.write(ByteBuffer.wrap("lost?".getBytes(UTF_8)), 6);
      append(staleAppender, "third\n");
      assertEquals(19, stale.size());
    }
    return Files.readString(first);
  }

  /**
   * Programs that share a file and take turns under a lock of it, keeping it open: each one's
   * last lock given up hands the file over, and each lock taken looks at the file again. Before,
   * the first writer kept the file until it closed it, and the other's writes were refused.
   */
  @Test
  void programsThatTakeTurnsUnderALockBothWrite() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    String expected = takeTurns(plain.resolve("log"), plain.resolve("log"));
    assertTrue(expected.startsWith("a 0\nb 0\na 1\nb 1\n"), expected.substring(0, 40));
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      assertEquals(expected, takeTurns(a.getPath("/sub/log"), b.getPath("/log")));
    }
    try (FileSystem a = open(root)) {
      assertEquals(expected, Files.readString(a.getPath("/sub/log")));
    }
  }

  private static String takeTurns(Path first, Path second) throws IOException {
    try (FileChannel ca = FileChannel.open(first, CREATE, READ, WRITE);
        FileChannel cb = FileChannel.open(second, READ, WRITE)) {
      for (int i = 0; i < 20; i++) {
        LockedAppender.appendUnderLock(ca, "a", i, 1);
        LockedAppender.appendUnderLock(cb, "b", i, 1);
        // a long record on one side moves the end past a block, and the other reads it back
        if (i % 7 == 3) {
          try (FileLock lock = ca.lock()) {
            ca.write(ByteBuffer.wrap(("a-long " + "x".repeat(5000) + "\n").getBytes(UTF_8)), ca.size());
          }
          try (FileLock lock = cb.lock(0, Long.MAX_VALUE, true)) {
            ByteBuffer got = ByteBuffer.allocate(5008);
            assertEquals(5008, cb.read(got, cb.size() - 5008));
            assertEquals("a-long x", new String(got.array(), 0, 8, UTF_8));
          }
        }
      }
    }
    return Files.readString(first);
  }

  /**
   * An exclusive lock taken through a writable channel makes its program the file's writer at
   * once (one look at the file instead of two per turn); a shared lock does not. Where another
   * program is the writer and does not take turns, the lock is still granted, and the write is
   * refused as before.
   */
  @Test
  void anExclusiveLockTakesTheWriterLockAndASharedOneDoesNot() throws IOException {
    Path root = root();
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/f"), "0");
      try (FileChannel ca = FileChannel.open(a.getPath("/sub/f"), READ, WRITE);
          FileChannel cb = FileChannel.open(b.getPath("/f"), READ, WRITE)) {
        try (FileLock shared = ca.lock(0, Long.MAX_VALUE, true)) {
          cb.write(ByteBuffer.wrap("1".getBytes(UTF_8)), 1); // b becomes the writer
        }
        try (FileLock exclusive = ca.lock()) {
          // b writes without taking turns and still holds the writer lock
          assertThrows(
              ConcurrentWriterException.class,
              () -> ca.write(ByteBuffer.wrap("x".getBytes(UTF_8)), 2));
        }
        cb.close(); // b lets the file go
        try (FileLock exclusive = ca.lock()) {
          assertThrows(
              ConcurrentWriterException.class,
              () -> Files.writeString(b.getPath("/f"), "lost?"),
              "a holds the writer lock from its lock on");
          ca.write(ByteBuffer.wrap("2".getBytes(UTF_8)), 2);
        }
      }
      assertEquals("012", Files.readString(b.getPath("/f")));
    }
  }

  /**
   * Two programs append to one log file at once, each under a lock it takes and gives up around
   * every line, keeping the file open (logback's prudent mode): no line is lost or torn, and each
   * program's lines stay in order. The same run on a plain file is the reference.
   */
  @Test
  void twoProgramsAppendingUnderALockLoseNothing() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.createFile(plain.resolve("log"));
    try (FileChannel log = FileChannel.open(plain.resolve("log"), READ, WRITE)) {
      appendBesideAnotherProgram(plain, "plain", log);
    }
    assertInterleaved(Files.readString(plain.resolve("log")));
    Path root = root();
    try (FileSystem fs = open(root)) {
      Files.createFile(fs.getPath("/log"));
      try (FileChannel log = FileChannel.open(fs.getPath("/log"), READ, WRITE)) {
        appendBesideAnotherProgram(root, Long.toString(SEED), log);
      }
    }
    try (FileSystem fs = open(root)) {
      assertInterleaved(Files.readString(fs.getPath("/log")));
    }
  }

  private static final int LINES = 150;

  private static void appendBesideAnotherProgram(Path root, String seed, FileChannel log)
      throws Exception {
    Process child =
        ChildJvm.start(
            LockedAppender.class, root.toString(), seed, "child", Integer.toString(LINES));
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      LockedAppender.appendUnderLock(log, "parent", 0, LINES);
      assertEquals("done.", out.readLine());
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, child.exitValue());
    } finally {
      child.destroyForcibly();
    }
  }

  private static void assertInterleaved(String log) {
    int[] next = new int[2];
    String[] lines = log.split("\n");
    assertEquals(2 * LINES, lines.length, log);
    for (String line : lines) {
      String[] parts = line.split(" ");
      int who = parts[0].equals("parent") ? 0 : 1;
      assertEquals(who == 0 ? "parent" : "child", parts[0], line);
      assertEquals(next[who]++, Integer.parseInt(parts[1]), line);
    }
  }

  /**
   * A change can share the timestamp of the one before it (the clock ticks coarsely). A reader
   * that looked at the file soon after its modification therefore looks again even when the
   * timestamp is unchanged, until a look begins well after it; the time since the modification
   * alone is not enough. Here the other program's append keeps the timestamp of the write
   * before it, set 2 s in the past, and the reader asks again once that is more than 3 s ago.
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
   * forced its last record and handed the file over with its lock, leaving the runway it opened
   * for its own writes; closing that is the writer's business, not the reader's.
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
   * A reader's last block is its own copy, so reading it looks at the file again first, as it
   * does at the end: here another program rewrites bytes in place in the last block, leaving the
   * size as it was.
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
   * In buffered mode a write to the last block waits in memory for its record; giving up the
   * program's last lock on the file writes it, so the next program to lock the file reads it.
   */
  @Test
  void aBufferedWriteIsHandedOverWithTheLock() throws IOException {
    Path root = root();
    Map<String, Object> buffered = WalAppender.env(SEED);
    buffered.put(EncryptedFileSystems.WRITE_MODE, "buffered");
    try (FileSystem a = EncryptedFileSystems.newFileSystem(root, buffered);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/f"), "one\n");
      try (FileChannel writer = FileChannel.open(a.getPath("/sub/f"), WRITE, APPEND);
          FileChannel reader = FileChannel.open(b.getPath("/f"), READ, WRITE)) {
        try (FileLock lock = writer.lock()) {
          append(writer, "two\n");
        }
        try (FileLock lock = reader.lock()) {
          assertEquals(8, reader.size());
          ByteBuffer got = ByteBuffer.allocate(8);
          assertEquals(8, reader.read(got, 0));
          assertEquals("one\ntwo\n", new String(got.array(), UTF_8));
          reader.write(ByteBuffer.wrap("three\n".getBytes(UTF_8)), 8);
        }
        try (FileLock lock = writer.lock()) {
          append(writer, "four\n");
        }
      }
      assertEquals("one\ntwo\nthree\nfour\n", Files.readString(b.getPath("/f")));
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
        // Writing with the old view would put a header of the old wrapping back over the new one:
        // the write loads the rewrapped header first.
        opened.write(ByteBuffer.wrap("x".getBytes(UTF_8)), 6);
      }
      assertEquals("beforex", Files.readString(a.getPath("/sub/f")));
      assertTrue(KeyRotation.usage(a).get("other").contains("/sub/f"));
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
      // The child closed the file: this view catches up with its append, then writes.
      stale.write(ByteBuffer.wrap("P".getBytes(UTF_8)), 0);
      assertEquals(13, stale.size());
    }
    try (FileSystem fs = open(root)) {
      assertEquals("Parent\nchild\n", Files.readString(fs.getPath("/f")));
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
      assertEquals("busy busy", LockProbe.probe(raw), "the writer lock (byte 0) and the caller's lock");
      KeyRotation.usage(fs);
      KeyRotation.rewrapAll(fs, event -> {});
      KeyRotation.describe(fs);
      assertEquals("busy busy", LockProbe.probe(raw));
      lock.release();
      // The program's last lock given up hands the file over: the writer lock goes with it.
      assertEquals("free free", LockProbe.probe(raw));
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

  /**
   * The creator can finish, and let its lock go, between an open's look at the half-made file and
   * its probe of the lock: the open then finds the lock free and must look once more before it
   * calls the file damaged. Here the creator's last bytes land, and its lock goes, inside the
   * open's first read (the fault file system over the disk, so that locks are real).
   */
  @Test
  void aCreatorThatFinishesBetweenTheLookAndTheProbeIsNotDamage() throws Exception {
    Path disk = root();
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(disk);
    Path root = Files.createDirectories(faults.root().resolve("r"));
    try (FileSystem fs = open(root)) {
      Files.writeString(fs.getPath("/template"), "hello");
      byte[] whole = Files.readAllBytes(disk.resolve("r/template"));
      int prefix = 8192;
      try (FileChannel creator =
          FileChannel.open(disk.resolve("r/f"), CREATE_NEW, READ, WRITE)) {
        FileLock creating = creator.lock(0, 1, false);
        creator.write(ByteBuffer.wrap(whole, 0, prefix), 0);
        AtomicInteger reads = new AtomicInteger();
        faults.beforeReads(
            path -> {
              if (path.endsWith("f") && reads.incrementAndGet() == 1) {
                try {
                  creator.write(ByteBuffer.wrap(whole, prefix, whole.length - prefix), prefix);
                  creating.release();
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            });
        assertEquals("hello", Files.readString(fs.getPath("/f")));
        assertTrue(reads.get() > 1, "the open looked again");
      } finally {
        faults.beforeReads(path -> {});
      }
    }
  }

  private static Process start(Path root, String text) throws IOException {
    return ChildJvm.start(WriterChild.class, root.toString(), Long.toString(SEED), text);
  }
}
