package io.encryptedfs.channel;

import static io.encryptedfs.channel.Interrupts.faults;
import static io.encryptedfs.channel.Interrupts.interruptIfVictim;
import static io.encryptedfs.channel.Interrupts.random;
import static io.encryptedfs.channel.Interrupts.reopens;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A reopen after an interrupt finds the file again by its name: a file moved while open is reopened
 * under its new name, and another file put in its place behind the file system's back is not taken
 * for it. See {@link InterruptTest} for the reopen itself.
 */
class ReopenByNameTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void aFileMovedWhileOpenIsReopenedUnderItsNewName() throws Exception {
    byte[] content = random(2 * BLOCK, 4);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, content);
        try (FileChannel ch = FileChannel.open(f, READ, WRITE)) {
          Files.createDirectory(fs.getPath("/dir"));
          Files.move(f, fs.getPath("/dir/g"));
          AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
          faults.beforeReads(path -> interruptIfVictim(victim));
          ByteBuffer got = ByteBuffer.allocate(BLOCK);
          try {
            assertEquals(BLOCK, ch.read(got, BLOCK));
          } finally {
            assertTrue(Thread.interrupted());
          }
          assertArrayEquals(Arrays.copyOfRange(content, BLOCK, 2 * BLOCK), got.array());
          assertEquals(1, reopens(ch));
          assertEquals(3, ch.write(ByteBuffer.wrap(new byte[] {7, 8, 9}), 2 * BLOCK));
        }
        byte[] back = Files.readAllBytes(fs.getPath("/dir/g"));
        assertEquals(2 * BLOCK + 3, back.length);
        assertArrayEquals(content, Arrays.copyOf(back, content.length));
      }
    }
  }

  /**
   * A file renamed behind the file system's back, and another put in its place: reopening by the
   * old name finds a different file, which must not be taken for it.
   */
  @Test
  void aFileReplacedBehindTheFileSystemsBackIsNotTakenForIt() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      Path root = faults.root().resolve("r");
      try (FileSystem fs = TestRoots.open(root, keys, "AES-256-GCM", BLOCK)) {
        Path f = fs.getPath("/f");
        Files.write(f, random(2 * BLOCK, 5));
        Files.write(fs.getPath("/g"), random(2 * BLOCK, 6));
        try (FileChannel ch = FileChannel.open(f, READ);
            FileChannel other = FileChannel.open(f, READ)) {
          Path rawF = root.resolve("f"); // names are stored in clear (format version 1)
          Path rawG = root.resolve("g");
          Files.move(rawF, rawF.resolveSibling("elsewhere"));
          Files.copy(rawG, rawF);
          AtomicReference<Thread> victim = new AtomicReference<>(Thread.currentThread());
          faults.beforeReads(path -> interruptIfVictim(victim));
          FileSystemException e;
          try {
            e = assertThrows(FileSystemException.class, () -> ch.read(ByteBuffer.allocate(10), 0));
          } finally {
            assertTrue(Thread.interrupted(), "the interrupt is kept");
          }
          assertEquals("/f", e.getFile());
          assertTrue(e.getMessage().contains("closed by an interrupt"), e.getMessage());
          assertTrue(e.getMessage().contains("another file has its name now"), e.getMessage());
          assertFalse(e.getMessage().contains("/disk/"), "no underlying path: " + e.getMessage());
          assertThrows(FileSystemException.class, () -> other.read(ByteBuffer.allocate(10), 0));
        }
      }
    }
  }
}
