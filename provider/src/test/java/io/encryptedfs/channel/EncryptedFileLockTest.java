package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class EncryptedFileLockTest {

  /**
   * A released lock stayed in its channel's list until the channel closed, so a long-lived channel
   * that locks around every record (logback's prudent mode) grew without bound.
   */
  @Test
  void aChannelKeepsNoLockItReleased() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    try (FileSystem fs =
            TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
        FileChannel ch =
            FileChannel.open(
                fs.getPath("/log"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
      EncryptedFileChannel channel = (EncryptedFileChannel) ch;
      for (int i = 0; i < 1_000; i++) {
        FileLock lock = ch.lock();
        ch.write(ByteBuffer.wrap(("record " + i + "\n").getBytes()));
        lock.release();
        assertFalse(lock.isValid());
      }
      assertEquals(0, channel.locksKept());

      FileLock kept = ch.lock(0, 10, false);
      FileLock released = ch.lock(10, 10, false);
      released.release();
      assertEquals(1, channel.locksKept());
      assertTrue(kept.isValid());
      released.release(); // a second release is harmless, as on a plain FileChannel
      assertEquals(1, channel.locksKept());
    }
  }

  /** The lock a channel still holds is released by its close: the range can be taken again. */
  @Test
  void closingAChannelReleasesTheLocksItKept() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    try (FileSystem fs =
        TestRoots.open(jimfs.getPath("/d"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path file = fs.getPath("/log");
      FileLock held;
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        ch.lock(0, 10, false).release();
        held = ch.lock(20, 10, false);
      }
      assertFalse(held.isValid());
      try (FileChannel again = FileChannel.open(file, StandardOpenOption.WRITE)) {
        FileLock retaken = again.tryLock(20, 10, false);
        assertNotNull(retaken);
        assertTrue(retaken.isValid());
      }
    }
  }
}
