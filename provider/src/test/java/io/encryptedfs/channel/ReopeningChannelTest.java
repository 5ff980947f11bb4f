package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A closed channel is opened again only on the same file, once, and never after the close. */
class ReopeningChannelTest {
  private final Path file = Jimfs.newFileSystem(Configuration.unix()).getPath("/raw");

  private ReopeningChannel open() throws Exception {
    Files.write(file, new byte[] {1, 2, 3});
    return new ReopeningChannel(ReopeningChannel.open(file, true), file, true);
  }

  /** Opened, with its identity told, as the open-file table tells it. */
  private ReopeningChannel located() throws Exception {
    ReopeningChannel channel = open();
    channel.locate(file, FileIdentity.ofExisting(file, "/f"));
    return channel;
  }

  /** Closes the current channel, as an interrupt does; returns it. */
  private static FileChannel closeCurrent(ReopeningChannel channel) throws Exception {
    FileChannel current = channel.current();
    current.close();
    return current;
  }

  /**
   * The writer lock is given back (a force that borrowed it to write its header) just as an
   * interrupt of another thread closes the channel, which released it: the release goes on quietly
   * (InterruptStressTest's forcer failed with ClosedChannelException). The fault file system over
   * the real disk closes the channel between the look at the lock and its release.
   */
  @Test
  void aWriterLockReleasedByAnInterruptsCloseIsGivenUpQuietly(@TempDir Path tmp) throws Exception {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(tmp);
    Path raw = faults.root().resolve("raw");
    Files.write(raw, new byte[] {1, 2, 3});
    ReopeningChannel channel = new ReopeningChannel(ReopeningChannel.open(raw, true), raw, true);
    try {
      channel.locate(raw, FileIdentity.ofExisting(raw, "/f"));
      assertEquals(RawFile.Claim.TAKEN, channel.locks().claimWriter(new FileName("/f")));
      assertTrue(channel.locks().writerHeld());
      faults.beforeLockReleases(ReopeningChannelTest::close);
      channel.locks().releaseWriter();
      assertFalse(channel.locks().writerHeld());
    } finally {
      channel.close();
    }
  }

  /**
   * The same for a caller's lock: its channel's underlying channel, shared with the program's other
   * channels of the file, is closed by another thread's interrupt as the lock is released. On a
   * plain file another thread's interrupt closes only that thread's channel, so the release
   * returns.
   */
  @Test
  void aLockReleasedByAnInterruptsCloseIsReleasedQuietly(@TempDir Path tmp) throws Exception {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(tmp);
    try (FileSystem fs =
            TestRoots.open(
                faults.root().resolve("r"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
        FileChannel c = FileChannel.open(fs.getPath("/f"), CREATE, READ, WRITE)) {
      c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      FileLock lock = c.lock(0, 10, false);
      faults.beforeLockReleases(ReopeningChannelTest::close);
      try {
        lock.release();
      } finally {
        faults.beforeLockReleases(channel -> {});
      }
      assertFalse(lock.isValid());
      assertNotNull(c.tryLock(0, 10, false), "the range is free again");
    }
  }

  private static void close(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aClosedChannelIsReopenedOnceOnTheSameFile() throws Exception {
    ReopeningChannel channel = located();
    FileChannel first = closeCurrent(channel);
    assertFalse(channel.reopenAfter(first, new ClosedChannelException()));
    FileChannel second = channel.current();
    assertNotSame(first, second);
    assertTrue(second.isOpen());
    assertEquals(3, second.size());
    assertEquals(1, channel.reopens());
    // A second thread that failed on the same closed channel takes the reopened one.
    assertFalse(channel.reopenAfter(first, new ClosedChannelException()));
    assertSame(second, channel.current());
    assertEquals(1, channel.reopens());
  }

  @Test
  void anInterruptStatusIsReturnedForTheCallerToRestore() throws Exception {
    ReopeningChannel channel = located();
    FileChannel first = closeCurrent(channel);
    Thread.currentThread().interrupt();
    assertTrue(channel.reopenAfter(first, new ClosedChannelException()));
    assertFalse(Thread.interrupted());
  }

  @Test
  void noReopenBeforeTheIdentityIsKnownNorAfterTheClose() throws Exception {
    ReopeningChannel channel = open();
    FileChannel first = closeCurrent(channel);
    ClosedChannelException closed = new ClosedChannelException();
    assertSame(
        closed,
        assertThrows(ClosedChannelException.class, () -> channel.reopenAfter(first, closed)));
    channel.locate(file, FileIdentity.ofExisting(file, "/f"));
    channel.close();
    assertSame(
        closed,
        assertThrows(ClosedChannelException.class, () -> channel.reopenAfter(first, closed)));
    assertEquals(0, channel.reopens());
  }

  @Test
  void anotherFileAtTheNameIsNotReopenedAndTheRawPathIsNotNamed() throws Exception {
    ReopeningChannel channel = located();
    channel.reportAs(new FileName("/f"));
    Path other = file.resolveSibling("other");
    Files.write(other, new byte[] {9});
    Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
    FileChannel first = closeCurrent(channel);
    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () -> channel.reopenAfter(first, new ClosedChannelException()));
    assertEquals("/f", e.getFile());
    assertTrue(e.getMessage().contains("another file has its name now"), e.getMessage());
    assertFalse(e.getMessage().contains("/raw"), e.getMessage());
    assertEquals(0, channel.reopens());
  }
}
