package io.encryptedfs.durability;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * A root on a fault-injecting file system over Jimfs, opened in a given write mode, and what a file
 * of it reads after a crash of the program or a power loss: the fixture of the buffered-mode tests.
 */
final class BufferedRoots implements Closeable {
  static final int BLOCK = 4096;

  final InMemoryKeys keys = new InMemoryKeys("master");
  final FaultInjectingFileSystem faults;
  private final FileSystem jimfs;

  BufferedRoots() throws IOException {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
  }

  /** The root in {@code mode} ({@code write.mode}), writes waiting at most {@code boundMillis}. */
  FileSystem open(String mode, long boundMillis) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, Long.toString(boundMillis));
    return EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
  }

  static byte[] bytes(int seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** What {@code path} reads with {@code with} after {@code plan}; null where it is not there. */
  byte[] after(InMemoryKeys with, CrashPlan plan, String path) throws IOException {
    byte[][] found = new byte[1][];
    try (Restorer restorer = new Restorer(with, "AES-256-GCM", BLOCK)) {
      restorer.afterCrash(
          faults.recording(),
          plan,
          fs -> {
            Path p = fs.getPath(path);
            found[0] = Files.exists(p) ? Files.readAllBytes(p) : null;
          });
    }
    return found[0];
  }

  byte[] afterPowerLoss(String path) throws IOException {
    return after(keys, CrashPlan.powerLoss(), path);
  }

  byte[] afterProcessCrash(String path) throws IOException {
    return after(keys, CrashPlan.processCrash(), path);
  }

  @Override
  public void close() throws IOException {
    jimfs.close();
  }
}
