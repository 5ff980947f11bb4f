package io.encryptedfs.channel;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.encryptedfs.Algorithm;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.HeapDumps;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose creation fails once its keys are made (the disk refuses the header's write) leaves
 * no copy of its HKDF pseudorandom key behind. Before, only a failure of the cryptography destroyed
 * the new file's keys: an {@code IOException} from the write dropped them unwiped. A child JVM that
 * never collects (Epsilon) creates such a file, with file id and data key drawn from a seeded
 * generator, and dumps every object, live or not; the dump is searched here for the data key and
 * the pseudorandom key those give.
 */
class FailedCreationKeysTest {
  @TempDir Path dir;

  @Test
  void aCreationWhoseWriteFailsDestroysTheNewFileKeys() throws Exception {
    long seed = new SecureRandom().nextLong();
    SeededFileKeys.assertNoneIn(HeapDumps.ofChild(dir, Child.class, Long.toString(seed)), seed);
  }

  /** Creates a file on a disk that refuses every write, and dumps every object in the heap. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      long seed = Long.parseLong(args[0]);
      SecureRandom seeded = SeededFileKeys.generator(seed);
      InMemoryKeys keys = new InMemoryKeys("master");
      try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
        FaultInjectingFileSystem disk =
            FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
        Path path = disk.root().resolve("f");
        FileChannel channel =
            FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        disk.failWrites(p -> true);
        NewFilePolicy policy =
            new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "master");
        RawFile raw = new RawFile(channel, path, true);
        try {
          new FileLoader(keys, seeded).create(raw, policy, keys.masterKey("master"), "/f");
          throw new AssertionError("the creation succeeded");
        } catch (IOException expected) {
          // the disk refused the header
        } finally {
          raw.close();
        }
      }
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(args[1], false);
    }
  }
}
