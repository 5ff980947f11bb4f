package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.HeldKeys;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's registry of open roots ({@link OpenFileSystems}) while a root's open waits in its
 * key provider, as one does for a keystore being written: look-ups of other roots go on, and a
 * second open of the same root waits its turn and is refused.
 */
class OpenFileSystemsTest {
  @TempDir Path tmp;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /**
   * Before, the registry's monitor guarded look-ups and the whole of an open, so every {@code
   * Paths.get(URI)} of the program waited for a root's key derivation, or for as long as the
   * keystore kept the open waiting.
   */
  @Test
  void aLookUpDoesNotWaitForAnOpenInProgress() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem open = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", 4096)) {
      URI uri = open.getPath("/f").toUri();
      HeldKeys held = new HeldKeys(keys);
      Future<FileSystem> opening = threads.submit(() -> openHeld(tmp.resolve("b"), keys, held));
      held.awaitHeld();
      try {
        assertSame(
            open, threads.submit(() -> FileSystems.getFileSystem(uri)).get(10, TimeUnit.SECONDS));
        assertSame(
            open, threads.submit(() -> Paths.get(uri).getFileSystem()).get(10, TimeUnit.SECONDS));
      } finally {
        held.release();
      }
      opening.get(10, TimeUnit.SECONDS).close();
    }
  }

  @Test
  void aSecondOpenOfARootWaitsForTheFirstAndIsRefused() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    HeldKeys held = new HeldKeys(keys);
    Path root = tmp.resolve("b");
    Future<FileSystem> first = threads.submit(() -> openHeld(root, keys, held));
    held.awaitHeld();
    Future<FileSystem> second =
        threads.submit(() -> TestRoots.open(root, keys, "AES-256-GCM", 4096));
    try {
      Thread.sleep(200);
      assertFalse(second.isDone(), "the second open waits while the first is under way");
    } finally {
      held.release();
    }
    try (FileSystem fs = first.get(10, TimeUnit.SECONDS)) {
      ExecutionException refused =
          assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
      assertInstanceOf(FileSystemAlreadyExistsException.class, refused.getCause());
      assertSame(fs, FileSystems.getFileSystem(fs.getPath("/").toUri()));
    }
  }

  private static FileSystem openHeld(Path root, InMemoryKeys keys, HeldKeys held) throws Exception {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.KEY_PROVIDER, held);
    return EncryptedFileSystems.newFileSystem(root, env);
  }
}
