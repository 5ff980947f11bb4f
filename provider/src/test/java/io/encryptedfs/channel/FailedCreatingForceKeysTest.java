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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A creating open forces the file it made (unless {@code create.sync=false}); when that force
 * fails, the open fails and the new file's keys must go wiped. A creating open makes a new file in
 * two ways: it creates the underlying file ({@link FileAttacher}, whose failed open drops the
 * file), or it finds the empty file a crashed creation leaves and makes that a new file ({@link
 * FileOpener#load(RawFile, String, FileOpener.NewFileSource)}), which once closed only the raw
 * channel, so that the open file holding the data key and its HKDF pseudorandom key went to the
 * collector unwiped. A child JVM that never collects (Epsilon) does each on a disk whose forces
 * fail, with file id and data key drawn from a seeded generator, and dumps every object; the dump
 * is searched here for both keys.
 */
class FailedCreatingForceKeysTest {
  @TempDir Path dir;

  @Test
  void aCreationWhoseForceFailsDestroysTheNewFileKeys() throws Exception {
    assertNoKeysLeft(Child.CREATE);
  }

  @Test
  void aRemakeWhoseForceFailsDestroysTheNewFileKeys() throws Exception {
    assertNoKeysLeft(Child.REMAKE);
  }

  private void assertNoKeysLeft(String how) throws Exception {
    long seed = new SecureRandom().nextLong();
    SeededFileKeys.assertNoneIn(
        HeapDumps.ofChild(dir, Child.class, how, Long.toString(seed)), seed);
  }

  /**
   * Makes a new file, as {@link #CREATE} or {@link #REMAKE} says, on a disk whose forces fail, and
   * dumps every object in the heap.
   */
  static final class Child {
    /** A creating open of a name that does not exist. */
    static final String CREATE = "create";

    /** A creating open of the empty raw file a crashed creation leaves. */
    static final String REMAKE = "remake";

    public static void main(String[] args) throws Exception {
      long seed = Long.parseLong(args[1]);
      SecureRandom seeded = SeededFileKeys.generator(seed);
      InMemoryKeys keys = new InMemoryKeys("master");
      NewFilePolicy policy =
          new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "master");
      try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
        FaultInjectingFileSystem disk =
            FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
        Path path = disk.root().resolve("f");
        if (args[0].equals(CREATE)) {
          create(disk, path, keys, seeded, policy);
        } else {
          remake(disk, path, keys, seeded, policy);
        }
      }
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(args[2], false);
    }

    private static void create(
        FaultInjectingFileSystem disk,
        Path path,
        InMemoryKeys keys,
        SecureRandom seeded,
        NewFilePolicy policy)
        throws IOException {
      disk.failForces(p -> true);
      OpenFiles files = new OpenFiles(keys, seeded);
      try {
        files.newFileChannel(
            path, "/f", Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), policy);
        throw new AssertionError("the open succeeded");
      } catch (IOException expected) {
        if (Files.exists(path)) {
          throw new AssertionError("a failed creation left its file", expected);
        }
      }
    }

    private static void remake(
        FaultInjectingFileSystem disk,
        Path path,
        InMemoryKeys keys,
        SecureRandom seeded,
        NewFilePolicy policy)
        throws IOException {
      Files.createFile(path);
      FileChannel channel =
          FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      disk.failForces(p -> true);
      FileOpener opener = new FileOpener(new FileLoader(keys, seeded), seeded, file -> {});
      try {
        opener.load(
            new RawFile(channel, path, true),
            "/f",
            () -> new FileOpener.NewFile(policy, keys.masterKey("master"), true));
        throw new AssertionError("the open succeeded");
      } catch (IOException expected) {
        if (Files.size(path) == 0) {
          throw new AssertionError("the file was not made before its force failed", expected);
        }
      } finally {
        opener.shutdown();
      }
    }
  }
}
