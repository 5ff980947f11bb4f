package io.encryptedfs.durability;

import static io.encryptedfs.durability.NestedRoots.SEED;
import static io.encryptedfs.durability.NestedRoots.append;
import static io.encryptedfs.durability.NestedRoots.nested;
import static io.encryptedfs.durability.NestedRoots.open;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs that share a file and take turns under their own locks of it (here a root nested in
 * another, see {@link NestedRoots}): the writer lock goes with a program's last lock given up and
 * comes with an exclusive one, a buffered write is handed over with it, and the callers' own locks
 * work beside it, held through the key tools' reads.
 */
class LockHandoverTest {
  @TempDir Path tmp;

  private Path root() throws IOException {
    return NestedRoots.root(tmp);
  }

  /**
   * Programs that share a file and take turns under a lock of it, keeping it open: each one's last
   * lock given up hands the file over, and each lock taken looks at the file again. Before, the
   * first writer kept the file until it closed it, and the other's writes were refused.
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
            ca.write(
                ByteBuffer.wrap(("a-long " + "x".repeat(5000) + "\n").getBytes(UTF_8)), ca.size());
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
   * An exclusive lock taken through a writable channel makes its program the file's writer at once
   * (one look at the file instead of two per turn); a shared lock does not. Where another program
   * is the writer and does not take turns, the lock is still granted, and the write is refused as
   * before.
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

  /**
   * POSIX locks belong to the process: closing any channel on a file releases every lock the
   * program holds on it, whatever the JDK's {@code FileLock.isValid()} says. Key usage and rewrap
   * read every file's header, and once did so through a channel of their own, which released the
   * locks of files open here: another program could then take a caller's lock (Lucene's {@code
   * write.lock}) or the writer lock.
   */
  @Test
  void keyToolsLeaveThisProgramsLocksHeld() throws Exception {
    Path root = root();
    try (FileSystem fs = open(root);
        FileChannel c = FileChannel.open(fs.getPath("/f"), CREATE, READ, WRITE)) {
      append(c, "data");
      FileLock lock = c.lock();
      Path raw = root.resolve("f"); // names are stored in the clear
      assertEquals(
          "busy busy", LockProbe.probe(raw), "the writer lock (byte 0) and the caller's lock");
      KeyRotation.usage(fs);
      KeyRotation.rewrapAll(fs, event -> {});
      KeyRotation.describe(fs);
      assertEquals("busy busy", LockProbe.probe(raw));
      lock.release();
      // The program's last lock given up hands the file over: the writer lock goes with it.
      assertEquals("free free", LockProbe.probe(raw));
    }
  }
}
