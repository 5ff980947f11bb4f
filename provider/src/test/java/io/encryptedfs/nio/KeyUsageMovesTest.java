package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.keystore.KeyProvider;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key usage is read by a walk of the root and then a look at each file's header: a file that
 * another program moves meanwhile, from a place not yet looked at to one already looked at, must
 * still be counted, or retiring its key would leave it unreadable.
 */
class KeyUsageMovesTest {
  @TempDir Path tmp;

  @Test
  void aFileMovedToAPlaceAlreadyLookedAtIsStillCounted() throws Exception {
    assertMovedFileCounted(false);
  }

  @Test
  void aFileMovedOverOneAlreadyLookedAtIsStillCounted() throws Exception {
    assertMovedFileCounted(true);
  }

  /**
   * /a (under "next") is looked at before /z/f (under "master", as the root marker); while /a is
   * looked at, /z/f is moved on the underlying disk to /b, or over /a.
   */
  private void assertMovedFileCounted(boolean over) throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "next");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.createDirectory(fs.getPath("/z"));
      Files.writeString(fs.getPath("/z/f"), "moved");
    }
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEY_ALIAS, "next");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/a"), "stays");
    }
    Path to = dir.resolve(over ? "a" : "b");
    MovingKeys moving =
        new MovingKeys(
            keys,
            () -> {
              try {
                Files.move(dir.resolve("z/f"), to, StandardCopyOption.REPLACE_EXISTING);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    env.put(EncryptedFileSystems.KEY_PROVIDER, moving);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      moving.armed = 4; // each header slot's look: the marker's two, then /a's two
      assertEquals(
          List.of("/" + EncryptedFileSystem.MARKER, over ? "/a" : "/b"),
          KeyRotation.users(fs, "master"));
      assertEquals("moved", Files.readString(fs.getPath(over ? "/a" : "/b")));
    }
  }

  /**
   * A file that another program moves, while a rewrap runs, from a place not rewrapped yet to one
   * already passed is rewrapped all the same, not left on the old key with a report that it was
   * deleted.
   */
  @Test
  void aFileMovedDuringARewrapIsRewrappedAllTheSame() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "next");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a"), "stays");
      Files.createDirectory(fs.getPath("/z"));
      Files.writeString(fs.getPath("/z/f"), "moved");
    }
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEY_ALIAS, "next");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      List<String> events = new ArrayList<>();
      KeyRotation.RewrapReport report =
          KeyRotation.rewrapAll(
              fs,
              e -> {
                events.add(e.path() + " " + e.outcome());
                if (e.path().equals("/a")) {
                  try {
                    Files.move(dir.resolve("z/f"), dir.resolve("b"));
                  } catch (IOException failed) {
                    throw new UncheckedIOException(failed);
                  }
                }
              });
      assertEquals(List.of(), KeyRotation.users(fs, "master"), report + " " + events);
      assertEquals(3, report.rewrapped(), report.toString());
      assertTrue(events.contains("/b rewrapped to next"), events::toString);
      assertEquals("moved", Files.readString(fs.getPath("/b")));
    }
  }

  /**
   * A root where a file appears at every header read, as a busy program's files do, is never quiet:
   * the answer comes after a few walks, with every file read by then.
   */
  @Test
  void aRootThatNeverQuietsIsAnsweredAfterAFewWalks() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/f"), "first");
    }
    int[] made = {0};
    MovingKeys busy =
        new MovingKeys(
            keys,
            () -> {
              try {
                Files.copy(dir.resolve("f"), dir.resolve("new" + ++made[0]));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEY_PROVIDER, busy);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      busy.every = true;
      List<String> users = KeyRotation.users(fs, "master");
      busy.every = false;
      assertTrue(
          users.containsAll(List.of("/" + EncryptedFileSystem.MARKER, "/f")), users::toString);
      assertTrue(made[0] > 0 && users.size() <= made[0] + 2, made[0] + " made: " + users);
    }
  }

  /**
   * Keys that run {@code move} once, when asked for a key the {@code armed}-th time, or at every
   * request while {@code every}.
   */
  private static final class MovingKeys implements KeyProvider {
    private final KeyProvider keys;
    private final Runnable move;
    volatile int armed;
    volatile boolean every;

    MovingKeys(KeyProvider keys, Runnable move) {
      this.keys = keys;
      this.move = move;
    }

    @Override
    public SecretKey masterKey(String alias) throws IOException {
      if (every || (armed > 0 && --armed == 0)) {
        move.run();
      }
      return keys.masterKey(alias);
    }

    @Override
    public Set<String> aliases() throws IOException {
      return keys.aliases();
    }

    @Override
    public void close() {}
  }
}
