package io.encryptedfs.channel;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.Algorithm;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.HeldForce;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An open that is creating a file when the file system's close begins is refused, and leaves no
 * file behind: the program was told it did not get one, so a later open must not find it. It used
 * to leave the new file (with its header) on disk, as the refusal came after its creation.
 */
class CloseRaceTest {
  private static final NewFilePolicy POLICY =
      new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "k0");

  @Test
  void aCreationTheCloseRefusesLeavesNoFile() throws Exception {
    OpenFiles files = new OpenFiles(new InMemoryKeys("k0"), new SecureRandom());
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      // Held in the creator's writer lock, taken right after the underlying file is created.
      AtomicBoolean armed = new AtomicBoolean(true);
      faults.afterLocks(path -> HeldForce.holdOnce(path, "made", armed, held, release));
      Future<FileChannel> creating =
          pool.submit(
              () ->
                  files.newFileChannel(
                      faults.root().resolve("made"),
                      "/made",
                      EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                      POLICY));
      assertTrue(held.await(30, SECONDS));
      assertTrue(Files.exists(jimfs.getPath("/db/made")), "created, and held");

      Future<?> closing =
          pool.submit(
              () -> {
                files.closeAll();
                return null;
              });
      awaitCloseBegun(files, faults.root().resolve("missing"));
      release.countDown();

      ExecutionException refused =
          assertThrows(ExecutionException.class, () -> creating.get(30, SECONDS));
      assertInstanceOf(ClosedFileSystemException.class, refused.getCause());
      closing.get(30, SECONDS);
      assertFalse(Files.exists(jimfs.getPath("/db/made")), "the refused creation's file is gone");
      assertEquals(0, files.openFileCount());
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /** Polls until an open of {@code missing} is refused because the file system's close began. */
  static void awaitCloseBegun(OpenFiles files, Path missing) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        files.newFileChannel(missing, "/missing", EnumSet.of(StandardOpenOption.READ), null);
        throw new AssertionError("/missing opened");
      } catch (NoSuchFileException notYet) {
        Thread.sleep(5);
      } catch (ClosedFileSystemException begun) {
        return;
      }
    }
    throw new AssertionError("the file system's close did not begin");
  }
}
