package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a channel's {@code lock} ends when its thread is interrupted. */
class ChannelLocksTest {

  /**
   * An interrupt in the instant the range is granted ends the call without the lock, which is given
   * back; when that give-back fails, the channel must still close, as {@code FileChannel.lock}
   * always closes on an interrupt, and the failure be kept on the exception. It escaped instead,
   * with the channel left open. The fault file system over the real disk interrupts the thread once
   * the underlying range is held and fails its release.
   */
  @Test
  void anInterruptedLockWhoseGiveBackFailsStillClosesTheChannel(@TempDir Path tmp)
      throws Exception {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(tmp);
    Path raw = faults.root().resolve("r").resolve("f");
    try (FileSystem fs =
        TestRoots.open(
            faults.root().resolve("r"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      FileChannel c = FileChannel.open(fs.getPath("/f"), CREATE, READ, WRITE);
      c.write(ByteBuffer.wrap(new byte[20]));
      faults.afterLocks(
          p -> {
            if (p.equals(raw)) {
              Thread.currentThread().interrupt();
            }
          });
      faults.failLockReleases(raw::equals);
      FileLockInterruptionException e;
      boolean interrupted;
      try {
        e = assertThrows(FileLockInterruptionException.class, () -> c.lock(0, 10, false));
      } finally {
        interrupted = Thread.interrupted();
        faults.afterLocks(p -> {});
        faults.failLockReleases(p -> false);
      }
      assertEndedByTheInterrupt(e, interrupted, c);
      try (FileChannel other = FileChannel.open(fs.getPath("/f"), READ, WRITE)) {
        assertNotNull(other.tryLock(0, 10, false), "the range is free again");
      }
    }
  }

  /**
   * The same for a thread interrupted before its call, whose range is only tried: where the
   * underlying file system's {@code tryLock} does not heed the interrupt (Jimfs), the range is
   * taken and given back, and that give-back failed. The fault file system over Jimfs fails the
   * release.
   */
  @Test
  void anAlreadyInterruptedLockWhoseGiveBackFailsStillClosesTheChannel() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    FaultInjectingFileSystem faults =
        FaultInjectingFileSystem.wrapUnrecorded(Files.createDirectories(jimfs.getPath("/data")));
    Path raw = faults.root().resolve("r").resolve("f");
    try (FileSystem fs =
        TestRoots.open(
            faults.root().resolve("r"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      FileChannel c = FileChannel.open(fs.getPath("/f"), CREATE, READ, WRITE);
      c.write(ByteBuffer.wrap(new byte[20]));
      faults.failLockReleases(raw::equals);
      FileLockInterruptionException e;
      boolean interrupted;
      try {
        Thread.currentThread().interrupt();
        e = assertThrows(FileLockInterruptionException.class, () -> c.lock(0, 10, false));
      } finally {
        interrupted = Thread.interrupted();
        faults.failLockReleases(p -> false);
      }
      assertEndedByTheInterrupt(e, interrupted, c);
    }
  }

  /** As FileChannel.lock ends on an interrupt, with the failed give-back kept on its exception. */
  private static void assertEndedByTheInterrupt(
      FileLockInterruptionException e, boolean interrupted, FileChannel c) {
    assertTrue(interrupted, "the interrupt is kept, as FileChannel.lock keeps it");
    assertFalse(c.isOpen(), "closed, as FileChannel.lock closes the channel on an interrupt");
    assertEquals(
        "Input/output error",
        Arrays.stream(e.getSuppressed()).findFirst().map(Throwable::getMessage).orElse(null),
        "the failed give-back is kept");
  }
}
