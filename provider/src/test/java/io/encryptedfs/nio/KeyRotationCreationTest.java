package io.encryptedfs.nio;

import static io.encryptedfs.nio.KeystoreRoots.newKeystoreAndRootEnv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyInUseException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file this program began to create before a rotation looked up the key current then, and wraps
 * its data key under it whenever its header lands: retiring that key must wait for it.
 */
class KeyRotationCreationTest {

  @TempDir Path tmp;

  @Test
  void retireWaitsForACreationThatLookedUpTheOldKey() throws Exception {
    Map<String, Object> env = newKeystoreAndRootEnv(tmp);
    Path dir = tmp.resolve("root");
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Asked for by the underlying creation, after the creating open looked up the current key.
    FileAttribute<Set<PosixFilePermission>> gate =
        new FileAttribute<>() {
          @Override
          public String name() {
            return "posix:permissions";
          }

          @Override
          public Set<PosixFilePermission> value() {
            reached.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return PosixFilePermissions.fromString("rw-------");
          }
        };
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      CompletableFuture<Void> creation =
          CompletableFuture.runAsync(
              () -> {
                try (FileChannel ch =
                    FileChannel.open(
                        fs.getPath("/late"),
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        gate)) {
                  ch.write(ByteBuffer.wrap("late data".getBytes(StandardCharsets.UTF_8)));
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      assertTrue(reached.await(30, TimeUnit.SECONDS), "the creation reached its underlying file");
      String rotated = KeyRotation.rotate(fs);
      assertEquals(0, KeyRotation.rewrapAll(fs, e -> {}).failed().size());
      CompletableFuture<Void> retire =
          CompletableFuture.runAsync(
              () -> {
                try {
                  KeyRotation.retire(fs, "master");
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      // Without waiting, the retire's scan is long past the root's directory by now.
      try {
        retire.get(500, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException stillWaiting) {
        // as it should: the creation is still under way
      } catch (ExecutionException e) {
        // reported below
      }
      release.countDown();
      creation.get(30, TimeUnit.SECONDS);
      ExecutionException failed =
          assertThrows(ExecutionException.class, () -> retire.get(30, TimeUnit.SECONDS));
      KeyInUseException inUse = assertThrows(KeyInUseException.class, () -> rethrow(failed));
      assertEquals(List.of("/late"), inUse.files());
      assertEquals("late data", Files.readString(fs.getPath("/late")));
      assertEquals(1, KeyRotation.rewrapAll(fs, e -> {}).rewrapped());
      assertEquals(Map.of(rotated, List.of("/.encryptedfs", "/late")), KeyRotation.usage(fs));
    }
  }

  private static void rethrow(ExecutionException e) throws Throwable {
    Throwable cause = e.getCause();
    throw cause instanceof java.io.UncheckedIOException u ? u.getCause() : cause;
  }
}
