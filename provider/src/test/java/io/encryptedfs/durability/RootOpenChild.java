package io.encryptedfs.durability;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.HeldKeys;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import io.encryptedfs.testing.VirtualThreads;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A program for {@link OneCarrierTest}: a virtual thread opens a root whose key provider holds it,
 * as a keystore another thread is writing does, until a second virtual thread, which looks up a
 * root already open, lets it go. Prints {@code done} and whether the look-up found that root, or
 * the failure.
 *
 * <p>Arguments: a directory for the two roots.
 */
public final class RootOpenChild {
  private RootOpenChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem open = TestRoots.open(dir.resolve("a"), keys, "AES-256-GCM", 4096)) {
      URI uri = open.getPath("/").toUri();
      HeldKeys held = new HeldKeys(keys);
      Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
      env.put(EncryptedFileSystems.KEY_PROVIDER, held);
      AtomicReference<FileSystem> found = new AtomicReference<>();
      List<Callable<?>> tasks =
          List.of(
              () -> {
                EncryptedFileSystems.newFileSystem(dir.resolve("b"), env).close();
                return null;
              },
              () -> {
                held.awaitHeld();
                found.set(Paths.get(uri).getFileSystem());
                held.release();
                return null;
              });
      VirtualThreads.runAll(tasks, 60);
      System.out.println("done");
      System.out.println("found " + (found.get() == open));
    }
  }
}
