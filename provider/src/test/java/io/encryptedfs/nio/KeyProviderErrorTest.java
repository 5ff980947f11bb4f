package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key provider that throws an {@code Error} while a file is being created (a class of its own
 * missing from the class path, say) fails that creation, and only that: the name was left reserved,
 * so the next open of it and the file system's close waited for good (found when a test ran against
 * a stale keystore jar and hit a NoSuchMethodError there).
 */
class KeyProviderErrorTest {
  @TempDir Path tmp;

  @Test
  void anErrorFromTheKeysFailsOneCreationAndLeavesTheNameFree() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    AtomicBoolean failing = new AtomicBoolean();
    keys.current(
        () -> {
          if (failing.get()) {
            throw new NoClassDefFoundError("com/example/hsm/Client");
          }
          return Optional.of("master");
        });
    Map<String, Object> env = new HashMap<>();
    env.put(EncryptedFileSystems.KEY_PROVIDER, keys);
    env.put(EncryptedFileSystems.CREATE, "true");
    FileSystem fs = EncryptedFileSystems.newFileSystem(tmp.resolve("root"), env);
    failing.set(true);
    assertThrows(NoClassDefFoundError.class, () -> Files.writeString(fs.getPath("/g"), "new"));
    assertFalse(Files.exists(tmp.resolve("root").resolve("g")), "no file made");
    failing.set(false);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          Files.writeString(fs.getPath("/g"), "new");
          assertEquals("new", Files.readString(fs.getPath("/g")));
          fs.close();
        },
        "the name and the file system's close do not wait for the failed creation");
  }
}
