package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rewrap or a header inspection that the file system's close overtakes is refused, as an open is,
 * and leaves nothing open. A rewrap loading its file when the close began used to hand the file to
 * the close, and then rewrap it, or fail on it closed; one begun after the close rewrote the header
 * of a file of a closed file system.
 */
class HeaderCloseRaceTest {
  private final InMemoryKeys keys = new InMemoryKeys("k0", "k1");
  private final OpenFiles files = new OpenFiles(keys, new SecureRandom());
  private final FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
  private FaultInjectingFileSystem faults;
  private Path f;

  /** Makes /f, under key k0, and closes it. */
  @BeforeEach
  void makeTheFile() throws IOException {
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
    f = faults.root().resolve("f");
    NewFilePolicy policy =
        new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "k0");
    files.newFileChannel(f, "/f", EnumSet.of(CREATE_NEW, WRITE), policy).close();
  }

  @AfterEach
  void closeJimfs() throws IOException {
    jimfs.close();
  }

  private String keyAlias() throws IOException {
    return HeaderInspector.inspect(jimfs.getPath("/db/f"), keys).keyAlias();
  }

  @Test
  void aRewrapLoadingItsFileWhenTheCloseBeginsIsRefusedAndLeavesNothingOpen() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      AtomicBoolean armed = new AtomicBoolean(true);
      faults.beforeReads(path -> HeldForce.holdOnce(path, "f", armed, held, release));
      Future<OpenFiles.Rewrap> rewrap = pool.submit(() -> files.rewrap(f, "/f", "k1"));
      assertTrue(held.await(30, SECONDS), "the rewrap reads the file");
      Future<?> closing =
          pool.submit(
              () -> {
                files.closeAll();
                return null;
              });
      CloseRaceTest.awaitCloseBegun(files, faults.root().resolve("missing"));
      release.countDown();

      ExecutionException refused =
          assertThrows(ExecutionException.class, () -> rewrap.get(30, SECONDS));
      assertInstanceOf(ClosedFileSystemException.class, refused.getCause());
      closing.get(30, SECONDS);
      assertEquals(0, files.openFileCount());
      assertEquals("k0", keyAlias(), "not rewrapped");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /** A file whose content does not open has its header rewrapped alone: refused as well. */
  @Test
  void aHeaderOnlyRewrapWhoseLoadTheCloseOvertakesIsRefused() throws Exception {
    try (FileChannel raw = FileChannel.open(jimfs.getPath("/db/f"), WRITE)) {
      raw.write(ByteBuffer.allocate(3 * (4096 + 64)), 512); // every tail slot, after the header
    }
    aRewrapLoadingItsFileWhenTheCloseBeginsIsRefusedAndLeavesNothingOpen();
  }

  @Test
  void aRewrapOrInspectionAfterTheCloseIsRefused() throws Exception {
    files.closeAll();
    assertThrows(ClosedFileSystemException.class, () -> files.rewrap(f, "/f", "k1"));
    assertThrows(ClosedFileSystemException.class, () -> files.inspect(f, "/f", keys));
    assertEquals(0, files.openFileCount());
    assertEquals("k0", keyAlias(), "not rewrapped");
  }
}
