package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.EncryptedFileSystems;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer lock (an exclusive lock on byte 0 of the underlying file) is also taken for an
 * instant by programs that are not writing: a probe of whether another program writes, and a
 * program that handed the file on and then forces it, which lends itself the lock to write the
 * header. A write that met such an instant failed with {@link ConcurrentWriterException}, where no
 * other writer was, as in programs that take turns under a lock and force after their turn.
 */
class BriefWriterLockTest {
  @TempDir Path tmp;

  private static void append(FileChannel c, String text) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(UTF_8));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  @Test
  void aWriteThatMeetsTheWriterLockTakenForAnInstantWaitsForIt() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(5))) {
      Files.createFile(fs.getPath("/f"));
      appendRounds(fs, root.resolve("f"));
    }
  }

  private static void appendRounds(FileSystem fs, Path rawFile) throws Exception {
    StringBuilder expected = new StringBuilder();
    // Kept open to the end: closing a descriptor drops every POSIX lock the process holds on it.
    try (FileChannel raw = FileChannel.open(rawFile, WRITE)) {
      for (int round = 0; round < 20; round++) {
        String record = "record " + round + "\n";
        // A new session each round: its first write takes the writer lock, as a program's
        // first write after its turn began does.
        try (FileChannel c = FileChannel.open(fs.getPath("/f"), CREATE, WRITE, APPEND)) {
          FileLock instant = raw.lock(0, 1, false);
          CompletableFuture<Void> release =
              CompletableFuture.runAsync(
                  () -> {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    try {
                      instant.release();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
          append(c, record);
          expected.append(record);
          release.get(10, TimeUnit.SECONDS);
        }
      }
      assertEquals(expected.toString(), Files.readString(fs.getPath("/f")));

      // A lock that stays is another writer: refused, as before, with nothing written.
      try (FileChannel c = FileChannel.open(fs.getPath("/f"), WRITE, APPEND);
          FileLock held = raw.lock(0, 1, false)) {
        assertThrows(ConcurrentWriterException.class, () -> append(c, "refused\n"));
      }
      assertEquals(expected.toString(), Files.readString(fs.getPath("/f")));
    }
  }
}
