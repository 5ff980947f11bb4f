package io.encryptedfs.channel;

import static io.encryptedfs.channel.RawOpens.READ_WRITE;
import static io.encryptedfs.channel.RawOpens.bytes;
import static io.encryptedfs.channel.RawOpens.concat;
import static io.encryptedfs.channel.RawOpens.create;
import static io.encryptedfs.channel.RawOpens.open;
import static io.encryptedfs.channel.RawOpens.readAll;
import static io.encryptedfs.channel.RawOpens.roundTrip;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.HeldForce;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A channel's close does not wait for the calls running on it, as the JDK's does, and need not: a
 * write holds its file's write lock throughout, which the end of the file's session takes (and the
 * close of a writing channel waits for, to look for a buffered tail), and every call checks that
 * the file is still open once it holds the lock. A force runs its {@code fsync} without the lock,
 * so the session may end meanwhile: the force then fails as a call on a closed channel, or returns,
 * its {@code fsync} having covered what it began with (the JDK's close waits for the {@code fsync};
 * the fault file system's does not). Either way no write returns whose bytes are not in the file,
 * and nothing lands after the session's last record: the file authenticates when opened again.
 */
class CloseInFlightTest {
  private final OpenFiles files = new OpenFiles(new InMemoryKeys("k0"), new SecureRandom());
  private final HeldDisk disk = new HeldDisk(3);
  private final ExecutorService pool = disk.pool;
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = disk.release;
  private final FileSystem jimfs = disk.jimfs;
  private final FaultInjectingFileSystem faults = disk.faults;
  private final Path file;
  private final byte[] before = bytes(5_000, 1);
  private final byte[] added = bytes(3_000, 2);

  CloseInFlightTest() throws IOException {
    file = faults.root().resolve("f");
  }

  @AfterEach
  void stop() throws IOException {
    disk.close();
  }

  @Test
  void aWriteHeldWhenItsOnlyChannelClosesIsInTheFileOrFails() throws Exception {
    create(files, file, before);
    FileChannel ch = open(files, file, READ_WRITE);
    Future<Integer> write = holdWrite(ch);
    Future<?> closing = pool.submit(() -> closeQuietly(ch));

    release.countDown();
    closing.get(30, SECONDS);
    assertWrittenOrClosed(write, concat(before, added));
    assertEquals(0, files.openFileCount());
  }

  /**
   * A channel's close waits for a write on its file, which holds the file's lock (it looks at that
   * lock for a buffered tail to write), but holds up no other file meanwhile.
   */
  @Test
  void aWriteHeldWhenItsChannelClosesBesideAnotherIsInTheFile() throws Exception {
    create(files, file, before);
    FileChannel other = open(files, file, READ_WRITE);
    FileChannel ch = open(files, file, READ_WRITE);
    Future<Integer> write = holdWrite(ch);
    Future<?> closing = pool.submit(() -> closeQuietly(ch));
    assertArrayEquals(bytes(100, 10), roundTrip(files, faults.root().resolve("g")));

    release.countDown();
    closing.get(30, SECONDS);
    assertEquals(added.length, write.get(30, SECONDS));
    assertEquals(1, files.openFileCount(), "the other channel keeps the file open");
    other.close();
    assertArrayEquals(concat(before, added), readAll(files, file));
  }

  @Test
  void aForceHeldWhenItsChannelClosesReturnsOrFailsAndTheFileAuthenticates() throws Exception {
    create(files, file, before);
    FileChannel ch = open(files, file, READ_WRITE);
    ch.write(ByteBuffer.wrap(added), before.length);
    Future<?> force = HeldForce.start(faults, pool, ch, "f", held, release);
    Future<?> closing = pool.submit(() -> closeQuietly(ch));

    release.countDown();
    closing.get(30, SECONDS);
    try {
      force.get(30, SECONDS);
    } catch (ExecutionException e) {
      assertInstanceOf(ClosedChannelException.class, e.getCause());
    }
    assertFalse(ch.isOpen());
    assertArrayEquals(concat(before, added), readAll(files, file));
  }

  /**
   * Starts writing {@link #added} at the end of the file through {@code ch} and returns once the
   * first underlying write of it is held, until {@link #release}.
   */
  private Future<Integer> holdWrite(FileChannel ch) throws InterruptedException {
    AtomicBoolean armed = new AtomicBoolean(true);
    faults.failWrites(
        path -> {
          HeldForce.holdOnce(path, "f", armed, held, release);
          return false;
        });
    Future<Integer> write = pool.submit(() -> ch.write(ByteBuffer.wrap(added), before.length));
    assertTrue(held.await(30, SECONDS));
    return write;
  }

  /**
   * The held write either returned, and its bytes are in the file, or failed as a call on a closed
   * channel does, leaving the file as it was; either way the file opens and authenticates.
   */
  private void assertWrittenOrClosed(Future<Integer> write, byte[] withWrite) throws Exception {
    byte[] now;
    try {
      assertEquals(added.length, write.get(30, SECONDS));
      now = readAll(files, file);
      assertArrayEquals(withWrite, now, "a write that returned is in the file");
    } catch (ExecutionException e) {
      assertInstanceOf(ClosedChannelException.class, e.getCause());
      now = readAll(files, file);
      assertArrayEquals(before, now, "a write that failed left the file as it was");
    }
  }

  private static Void closeQuietly(FileChannel ch) throws IOException {
    ch.close();
    return null;
  }
}
