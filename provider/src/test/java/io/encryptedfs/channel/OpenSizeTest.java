package io.encryptedfs.channel;

import static io.encryptedfs.channel.RawOpens.READ;
import static io.encryptedfs.channel.RawOpens.bytes;
import static io.encryptedfs.channel.RawOpens.create;
import static io.encryptedfs.channel.RawOpens.open;
import static io.encryptedfs.channel.RawOpens.roundTrip;
import static io.encryptedfs.testing.StillWaiting.assertStillWaiting;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.HeldForce;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The size of an open file is read outside the registry's monitor: a reader's size looks at the
 * underlying file (for another program's writes), and may load it again, while every other file
 * goes on opening and closing. A file that closes meanwhile has its size read from the disk.
 */
class OpenSizeTest {
  private final InMemoryKeys keys = new InMemoryKeys("k0");
  private final OpenFiles files = new OpenFiles(keys, new SecureRandom());
  private final HeldDisk disk = new HeldDisk(3);
  private final ExecutorService pool = disk.pool;
  private final CountDownLatch release = disk.release;
  private final FileSystem jimfs = disk.jimfs;
  private final FaultInjectingFileSystem faults = disk.faults;

  @AfterEach
  void stop() throws IOException {
    disk.close();
  }

  @Test
  void aSizeHeldInTheUnderlyingFileSystemHoldsUpNoOtherFile() throws Exception {
    Path watched = faults.root().resolve("watched");
    byte[] content = bytes(6_000, 1);
    create(files, watched, content);
    try (FileChannel reader = open(files, watched, READ)) {
      Future<Long> size = holdSize(watched);

      Future<byte[]> other = pool.submit(() -> roundTrip(files, faults.root().resolve("other")));
      assertArrayEquals(bytes(100, 10), other.get(30, SECONDS));
      assertStillWaiting(size, "the size to be held in the underlying file system");

      release.countDown();
      assertEquals(content.length, size.get(30, SECONDS));
    }
    assertEquals(0, files.openFileCount());
  }

  @Test
  void aFileClosedWhileItsSizeIsReadHasItsSizeReadFromTheDisk() throws Exception {
    Path watched = faults.root().resolve("watched");
    byte[] content = bytes(9_000, 2);
    create(files, watched, content);
    FileChannel reader = open(files, watched, READ);
    Future<Long> size = holdSize(watched);

    Future<?> closing =
        pool.submit(
            () -> {
              reader.close();
              return null;
            });
    closing.get(30, SECONDS);
    assertEquals(0, files.openFileCount(), "the file closed while its size was held");

    release.countDown();
    assertEquals(content.length, size.get(30, SECONDS));
    assertEquals(0, files.openFileCount());
  }

  /**
   * Starts the cleartext size of {@code file}, open here, and returns once it is held in its look
   * at the underlying file's attributes until {@link #release}.
   */
  private Future<Long> holdSize(Path file) throws Exception {
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
    CountDownLatch held = new CountDownLatch(1);
    AtomicBoolean armed = new AtomicBoolean(true);
    String name = file.getFileName().toString();
    faults.beforeAttributes(path -> HeldForce.holdOnce(path, name, armed, held, release));
    Future<Long> size = pool.submit(() -> files.cleartextSize(file, "/" + name, attrs));
    assertTrue(held.await(30, SECONDS));
    return size;
  }
}
