package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code AsynchronousFileChannel}'s force whose calling thread is interrupted while it runs (a
 * request's thread cancelled meanwhile), beside the default file system's: the JDK's force is not
 * interruptible, so it completes, the interrupt is kept, and the channel and its locks stay.
 * Before, the interrupt closed the file's underlying channel under the {@code fsync}, and the force
 * failed with {@code ClosedByInterruptException}: a cut force is not repeated.
 */
class InterruptDuringAsyncForceDifferentialTest {

  private static List<String> steps(Path f, Runnable interruptDuringNextForce) throws IOException {
    List<String> seen = new ArrayList<>();
    try (AsynchronousFileChannel c =
        AsynchronousFileChannel.open(f, Set.of(READ, WRITE, CREATE), null)) {
      c.write(ByteBuffer.wrap(new byte[10]), 0).get(30, SECONDS);
      FileLock lock = c.tryLock(0, 3, false);
      interruptDuringNextForce.run();
      String outcome;
      try {
        c.force(true);
        outcome = "forced";
      } catch (IOException | RuntimeException e) {
        outcome = "threw " + e.getClass().getSimpleName();
      }
      seen.add(outcome + ", interrupted " + Thread.interrupted() + ", open " + c.isOpen());
      seen.add("lock valid " + lock.isValid());
      seen.add("wrote " + c.write(ByteBuffer.wrap(new byte[] {1, 2}), 10).get(30, SECONDS));
      c.force(false);
      seen.add("size " + c.size());
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw new IOException(e);
    }
    return seen;
  }

  @Test
  void anInterruptDuringTheForceNeitherEndsItNorClosesAnything(@TempDir Path tmp)
      throws IOException {
    Thread caller = Thread.currentThread();
    // The JDK's force never looks at the status, so an interrupt set as it begins stands for one
    // landing during it; no hook reaches inside the JDK's fsync.
    List<String> plain = steps(tmp.resolve("plain.bin"), caller::interrupt);

    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(tmp);
    AtomicBoolean armed = new AtomicBoolean();
    // Called by the underlying force just before its fsync, on whichever thread runs it.
    faults.dropForces(
        path -> {
          if (path.getFileName().toString().equals("f") && armed.getAndSet(false)) {
            caller.interrupt();
          }
          return false;
        });
    try (FileSystem fs =
        TestRoots.open(
            faults.root().resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      List<String> encrypted = steps(fs.getPath("/f"), () -> armed.set(true));
      assertEquals(String.join("\n", plain), String.join("\n", encrypted));
    } finally {
      Thread.interrupted();
    }
  }

  /**
   * On its own thread the force is still one {@code fsync}: one that another thread's interrupt
   * cuts short (the fault file system closes the underlying channel in it, as that interrupt would)
   * fails and is not repeated, since a write-back error it met would not be reported again.
   */
  @Test
  void aForceCutByAnotherThreadsInterruptStillFailsOnce(@TempDir Path tmp) throws Exception {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(tmp);
    AtomicInteger cuts = new AtomicInteger();
    try (FileSystem fs =
            TestRoots.open(
                faults.root().resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
        AsynchronousFileChannel c =
            AsynchronousFileChannel.open(fs.getPath("/f"), Set.of(READ, WRITE, CREATE), null)) {
      c.write(ByteBuffer.wrap(new byte[10]), 0).get(30, SECONDS);
      faults.cutForces(
          path -> path.getFileName().toString().equals("f") && cuts.incrementAndGet() > 0);
      try {
        assertThrows(SyncFailedException.class, () -> c.force(true));
      } finally {
        faults.cutForces(path -> false);
      }
      assertEquals(1, cuts.get(), "the cut force was not repeated");
      assertFalse(Thread.currentThread().isInterrupted());
      c.force(true);
      assertTrue(c.isOpen());
    }
  }
}
