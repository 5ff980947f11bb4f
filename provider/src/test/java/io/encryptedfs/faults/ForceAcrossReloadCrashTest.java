package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.write;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.Algorithm;
import io.encryptedfs.channel.NewFilePolicy;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A force runs its {@code fsync} without the file's lock, and meanwhile another program may write
 * the file and this one load it again. Here program A's force is held by the disk while A hands the
 * file over, B appends and forces, and A catches up and writes a record into the very slot its held
 * force began on; only then does the force end. That force must not make A's new record the durable
 * one: A's next records would then go over the record B's force made durable, and a power loss that
 * kept part of one of them but not the records before it (write-back keeps dirty pages in any
 * order) left the file without B's forced bytes, or with a header naming a forced sequence that no
 * record on disk reached, so that it did not open. (Until such a force was made to make nothing
 * durable, 36 of each case's 154 crashes did one or the other; in some, all three tail slots were
 * torn and the file's end was lost.)
 *
 * <p>Every tail here is over 3,520 bytes, so that every tail record spans two pages and a page
 * subset can tear it; the file never reaches a home block, so every byte is in a tail record.
 */
class ForceAcrossReloadCrashTest {
  private static final int BLOCK = 4096;
  private static final NewFilePolicy POLICY =
      new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(BLOCK), "k");
  private static final int FIRST = 3600;
  private static final int APPEND = 50;

  private final InMemoryKeys keys = new InMemoryKeys("k");

  /**
   * @param shared whether A catches up as a reader does, under a shared lock, before its write
   *     claims the file; else the claim of its exclusive lock loads the file again
   */
  @ParameterizedTest(name = "caught up under a shared lock: {0}")
  @ValueSource(booleans = {false, true})
  void aForceThatEndsAfterTheFileWasLoadedAgainLeavesTheOtherProgramsForcedRecord(boolean shared)
      throws Exception {
    byte[] data = new byte[FIRST + 5 * APPEND];
    new Random(11).nextBytes(data);
    CountDownLatch forceStarted = new CountDownLatch(1);
    CountDownLatch releaseForce = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Recording recording;
    try (JimfsFaults fixture = new JimfsFaults()) {
      Path raw = fixture.root().resolve("f");
      OpenFiles a = new OpenFiles(keys, new SecureRandom());
      OpenFiles b = new OpenFiles(keys, new SecureRandom());
      try (FileChannel ca =
              a.newFileChannel(raw, "/f", EnumSet.of(CREATE_NEW, READ, WRITE), POLICY);
          FileChannel cb = b.newFileChannel(raw, "/f", EnumSet.of(READ, WRITE), POLICY)) {
        FileLock turn = ca.lock();
        write(ca, data, 0, FIRST);
        int forcing = newestSlot(fixture);
        Future<?> force =
            HeldForce.start(fixture.faults, pool, ca, "f", forceStarted, releaseForce);
        try {
          turn.release(); // A's last lock: the file is handed over while its force waits

          FileLock otherTurn = cb.lock(); // B catches up with A's write
          write(cb, data, FIRST, APPEND);
          write(cb, data, FIRST + APPEND, APPEND);
          cb.force(false);
          otherTurn.release();

          turn = ca.lock(0, Long.MAX_VALUE, shared); // A loads the file B wrote again
          write(ca, data, FIRST + 2 * APPEND, APPEND);
          assertEquals(
              forcing, newestSlot(fixture), "written into the slot the held force began on");
        } finally {
          releaseForce.countDown();
        }
        force.get(30, TimeUnit.SECONDS);
        write(ca, data, FIRST + 3 * APPEND, APPEND);
        write(ca, data, FIRST + 4 * APPEND, APPEND);
        // The power loss comes now, before anything closes.
        recording = fixture.faults.recording();
        turn.release();
      } finally {
        pool.shutdownNow();
      }
      a.closeAll();
      b.closeAll();
    }
    // B's force covered everything up to its second append; nothing of A's later ones was forced.
    int checked =
        new PowerLosses(keys, POLICY)
            .check(
                recording,
                "f",
                (found, plan) -> PowerLosses.keepsPrefix(found, data, FIRST + 2 * APPEND, plan));
    assertTrue(checked > 100, "crash images: " + checked);
  }

  /** The tail slot holding the highest sequence on disk (sequences are stored in the clear). */
  private static int newestSlot(JimfsFaults fixture) throws IOException {
    ByteBuffer front = ByteBuffer.wrap(Files.readAllBytes(fixture.underlyingRoot.resolve("f")));
    int newest = 0;
    for (int slot = 1; slot < Geometry.TAIL_SLOTS; slot++) {
      if (sequence(front, slot) > sequence(front, newest)) {
        newest = slot;
      }
    }
    return newest;
  }

  private static long sequence(ByteBuffer front, int slot) {
    return front.getLong((int) POLICY.geometry().tailSlotOffset(slot));
  }
}
