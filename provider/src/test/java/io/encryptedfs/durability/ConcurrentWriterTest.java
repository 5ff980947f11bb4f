package io.encryptedfs.durability;

import static io.encryptedfs.durability.NestedRoots.SEED;
import static io.encryptedfs.durability.NestedRoots.append;
import static io.encryptedfs.durability.NestedRoots.nested;
import static io.encryptedfs.durability.NestedRoots.newFilesUnder;
import static io.encryptedfs.durability.NestedRoots.open;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.testing.ChildJvm;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
 * One writer per file across programs and across file systems that reach the same file (here a root
 * nested in another, see {@link NestedRoots}). Each keeps its own view of a file's end, so before
 * this a second writer overwrote the first one's tail records: two writers appending five records
 * each left five. Now a second writer is refused with {@link ConcurrentWriterException} while the
 * first holds the file (until it closes it or gives up its last lock on it), nothing already stored
 * changes, and a writer whose view is older than the disk catches up before it writes, so that its
 * write lands where it would on a plain file. A rewrap is a writer too, and a file another program
 * is still creating is its creator's. Readers beside a writer are {@link ConcurrentReaderTest}'s;
 * programs that take turns under locks, {@link LockHandoverTest}'s.
 */
class ConcurrentWriterTest {
  @TempDir Path tmp;

  private Path root() throws IOException {
    return NestedRoots.root(tmp);
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

  @Test
  void aRewrapIsRefusedWhileAnotherFileSystemWritesTheFile() throws IOException {
    Path root = root();
    InMemoryKeys keys = new InMemoryKeys("master", "other");
    Map<String, Object> toOther = newFilesUnder(keys, "other");
    try (FileSystem a = TestRoots.open(root, keys, "AES-256-GCM", 4096);
        FileSystem b =
            EncryptedFileSystems.newFileSystem(
                Files.createDirectories(root.resolve("sub")), toOther)) {
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
   * A creator makes the underlying file before it can lock it, so another program can find it empty
   * with the lock free; a creator's thread descheduled, or its program paused for a collection,
   * makes that instant long. An open that finds an empty file made within the wait waits for it as
   * for a held lock, rather than report damage (found with a real second program that reopened a
   * log as fast as the first rotated it). Here the creator is a raw channel of this program that
   * leaves the file empty and unlocked for 200 ms.
   */
  @Test
  void aNewEmptyFileNoOneLocksYetIsWaitedFor() throws Exception {
    Path root = root();
    try (FileSystem fs = open(root)) {
      CompletableFuture<Void> finish = createSlowly(fs, root);
      assertEquals("hello", Files.readString(fs.getPath("/f")));
      finish.get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * As above, for an open that may create the file: it must not take the creator's empty file for
   * what a crash left and make it a new file, which the creator, finding its lock taken, would then
   * delete with the opener's write in it.
   */
  @Test
  void aCreatingOpenWaitsForANewEmptyFileNoOneLocksYet() throws Exception {
    Path root = root();
    try (FileSystem fs = open(root)) {
      CompletableFuture<Void> finish = createSlowly(fs, root);
      Files.writeString(fs.getPath("/f"), " world", CREATE, WRITE, APPEND);
      finish.get(10, TimeUnit.SECONDS);
      assertEquals("hello world", Files.readString(fs.getPath("/f")));
    }
  }

  /** Makes the raw file {@code /f} empty, and 200 ms later a whole file holding "hello". */
  private static CompletableFuture<Void> createSlowly(FileSystem fs, Path root) throws IOException {
    Files.writeString(fs.getPath("/template"), "hello");
    byte[] whole = Files.readAllBytes(root.resolve("template"));
    Path raw = Files.createFile(root.resolve("f"));
    return CompletableFuture.runAsync(
        () -> {
          try (FileChannel creator = FileChannel.open(raw, READ, WRITE)) {
            Thread.sleep(200);
            FileLock creating = creator.lock(0, 1, false);
            creator.write(ByteBuffer.wrap(whole), 0);
            creating.release();
          } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
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
      try (FileChannel creator = FileChannel.open(disk.resolve("r/f"), CREATE_NEW, READ, WRITE)) {
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
