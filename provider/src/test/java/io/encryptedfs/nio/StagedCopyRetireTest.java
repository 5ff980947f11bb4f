package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyInUseException;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy under way into a root is written under a hidden temporary name, which the walks of key
 * rotation leave out; its data key is wrapped under the key that was current when it began. A
 * retire of that key during the copy must see it, at its target's path, as it saw such a copy when
 * copies were made at their names: else the copy, put at its name after the retire, is under a key
 * nobody has, and a move has deleted its source by then.
 */
class StagedCopyRetireTest {
  @TempDir Path tmp;

  @Test
  void aRetireDuringACopyIntoTheRootFindsTheCopyUsingTheKey() throws Exception {
    Map<String, Object> env = KeystoreRoots.newKeystoreAndRootEnv(tmp);
    byte[] content = new byte[5 * 4096 + 3];
    new Random(7).nextBytes(content);
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(tmp);
    Path rawB = tmp.resolve("b");
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean held = new AtomicBoolean();
    try (FileSystem a =
            TestRoots.open(
                faults.root().resolve("a"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
        FileSystem b = EncryptedFileSystems.newFileSystem(rawB, env)) {
      Files.write(a.getPath("/src"), content);
      // a read of the source once the copy's temporary file is there: the copy is under way
      faults.beforeReads(
          p -> {
            if (p.endsWith("src") && stagedIn(rawB) && held.compareAndSet(false, true)) {
              reached.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
      CompletableFuture<Void> move =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Files.move(a.getPath("/src"), b.getPath("/dst"));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      assertTrue(reached.await(30, TimeUnit.SECONDS), "the copy is under way");

      KeyInUseException inUse;
      try {
        KeyRotation.rotate(b);
        assertEquals(0, KeyRotation.rewrapAll(b, e -> {}).failed().size());
        inUse = assertThrows(KeyInUseException.class, () -> KeyRotation.retire(b, "master"));
      } finally {
        release.countDown();
        move.get(30, TimeUnit.SECONDS);
      }

      assertEquals(List.of("/dst"), inUse.files());
      assertArrayEquals(content, Files.readAllBytes(b.getPath("/dst")));
    }
  }

  private static boolean stagedIn(Path rawRoot) {
    try (Stream<Path> entries = Files.list(rawRoot)) {
      return entries.anyMatch(e -> e.getFileName().toString().startsWith(StagedCopy.PREFIX));
    } catch (IOException e) {
      return false;
    }
  }
}
