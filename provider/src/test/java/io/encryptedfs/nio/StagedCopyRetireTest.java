package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
  private final byte[] content = new byte[5 * 4096 + 3];
  private Map<String, Object> env;
  private FaultInjectingFileSystem faults;
  private Path rawB;
  private FileSystem a;
  private FileSystem b;

  /** Root a, whose reads the fault file system can hold, holding /src; root b, under a keystore. */
  @BeforeEach
  void open() throws IOException {
    new Random(7).nextBytes(content);
    env = KeystoreRoots.newKeystoreAndRootEnv(tmp);
    faults = FaultInjectingFileSystem.wrap(tmp);
    rawB = tmp.resolve("b");
    a = TestRoots.open(faults.root().resolve("a"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
    b = EncryptedFileSystems.newFileSystem(rawB, env);
    Files.write(a.getPath("/src"), content);
  }

  @AfterEach
  void close() throws IOException {
    try {
      a.close();
    } finally {
      b.close();
    }
  }

  /**
   * A move from root {@code a} into root {@code b}, held once its temporary file is in {@code b}.
   */
  private record HeldMove(CompletableFuture<Void> move, CountDownLatch release) {
    /** Lets the move go on and waits for it. */
    void finish() throws Exception {
      release.countDown();
      move.get(30, TimeUnit.SECONDS);
    }
  }

  private HeldMove heldMove() throws Exception {
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean held = new AtomicBoolean();
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
    HeldMove heldMove = new HeldMove(move, release);
    if (!reached.await(30, TimeUnit.SECONDS)) {
      heldMove.finish();
      throw new AssertionError("the copy did not get under way");
    }
    return heldMove;
  }

  @Test
  void aRetireDuringACopyIntoTheRootFindsTheCopyUsingTheKey() throws Exception {
    HeldMove held = heldMove();
    KeyInUseException inUse;
    try {
      KeyRotation.rotate(b);
      assertEquals(0, KeyRotation.rewrapAll(b, e -> {}).failed().size());
      inUse = assertThrows(KeyInUseException.class, () -> KeyRotation.retire(b, "master"));
    } finally {
      held.finish();
    }

    assertEquals(List.of("/dst"), inUse.files());
    assertArrayEquals(content, Files.readAllBytes(b.getPath("/dst")));
  }

  /**
   * The retire runs in another program (here a second file system on the same directory and
   * keystore), which knows nothing of the copy but its temporary file: it must not retire the key
   * that file is under, or the move, which deletes its source, lands under a key nobody has.
   */
  @Test
  void aRetireInAnotherProgramFindsTheCopyByItsTemporaryFile() throws Exception {
    HeldMove held = heldMove();
    List<String> temporary;
    KeyInUseException inUse;
    try (FileSystem other = EncryptedFileSystems.newFileSystem(faults.root().resolve("b"), env)) {
      try (Stream<Path> entries = Files.list(rawB)) {
        temporary =
            entries
                .map(e -> "/" + e.getFileName())
                .filter(n -> n.startsWith("/" + StagedCopy.PREFIX))
                .toList();
      }
      KeyRotation.rotate(other);
      assertEquals(0, KeyRotation.rewrapAll(other, e -> {}).failed().size());
      inUse = assertThrows(KeyInUseException.class, () -> KeyRotation.retire(other, "master"));
    } finally {
      held.finish();
    }

    assertEquals(1, temporary.size(), "one copy under way: " + temporary);
    assertEquals(temporary, inUse.files());
    assertArrayEquals(content, Files.readAllBytes(b.getPath("/dst")));
  }

  private static boolean stagedIn(Path rawRoot) {
    try (Stream<Path> entries = Files.list(rawRoot)) {
      return entries.anyMatch(e -> e.getFileName().toString().startsWith(StagedCopy.PREFIX));
    } catch (IOException e) {
      return false;
    }
  }
}
