package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.DiskFullMode;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random writes, extensions past the end and truncates on one file, some of them failing on an I/O
 * error: the disk runs out of space partway (see {@link #spaceRunsOut}), the underlying {@code
 * ftruncate} fails, or a force the operation makes ({@code fsync}) fails, after which the file is
 * closed and opened again, as a file whose force failed must be. A failed operation may be done in
 * part, as on a plain file, but no more:
 *
 * <ul>
 *   <li>no byte outside the operation's range changes, and the size is the old or the new one;
 *   <li>the channel's view is what the disk holds: the file read after a process crash at that
 *       moment (after a force in buffered mode, whose tail may wait in memory) is byte for byte the
 *       view;
 *   <li>the file goes on working from that view once the disk does: later operations, a reopen and
 *       a crash at the end all agree with a plain model of it.
 * </ul>
 */
class FailedOperationsTest {
  private static final int BLOCK = 4096;
  private static final int OPERATIONS = Soak.enabled() ? 200 : 30;
  private static final AtomicInteger FAILURES = new AtomicInteger();
  private static final AtomicInteger FAILED_FORCES = new AtomicInteger();
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Property(tries = 40)
  void aFailedOperationChangesOnlyItsRangeAndTheViewIsTheDisks(
      @ForAll long seed, @ForAll boolean buffered) throws IOException {
    Random random = new Random(seed);
    byte[] model = new byte[0];
    int failures = 0;
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem fs = open(faults, buffered);
      FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, READ, WRITE);
      try {
        for (int op = 0; op < OPERATIONS; op++) {
          Operation next = Operation.draw(random, model.length);
          boolean fails = random.nextInt(3) == 0;
          if (fails) {
            if (random.nextInt(3) == 0) {
              faults.failForces(path -> true);
            } else if (next.truncate()) {
              faults.failTruncates(path -> true);
            } else {
              faults.failWritesAfter(random.nextInt(3 * (BLOCK + 48)), spaceRunsOut(next, model));
            }
          }
          IOException failure = null;
          try {
            next.apply(ch);
          } catch (IOException e) {
            assertTrue(fails, next + ": " + e);
            assertTrue(e.getMessage().startsWith("/f: "), e.getMessage());
            failure = e;
          } finally {
            faults.failForces(path -> false);
            faults.failTruncates(path -> false);
            faults.unlimitedSpace();
          }
          byte[] view = readAll(ch);
          String where = "seed " + seed + ", operation " + op + " " + next;
          if (failure != null) {
            failures++;
            checkOnlyItsRange(model, next, view, where);
            if (failure instanceof SyncFailedException) {
              // The file takes no writes until it is opened again (see FailedForceTest).
              FAILED_FORCES.incrementAndGet();
              ch.close();
              assertThrows(SyncFailedException.class, fs::close, where);
              checkAfterProcessCrash(restorer, faults, view, where);
              fs = open(faults, buffered);
              ch = FileChannel.open(fs.getPath("/f"), READ, WRITE);
              assertArrayEquals(view, readAll(ch), where + ", reopened");
            } else {
              if (buffered) {
                // A process crash may lose the buffered tail's changes; a force hands them over.
                ch.force(false);
              }
              checkAfterProcessCrash(restorer, faults, view, where);
            }
            model = view;
          } else {
            model = next.model(model);
            assertArrayEquals(model, view, where);
          }
          if (random.nextInt(8) == 0) {
            ch.force(false);
          }
        }
        if (buffered) {
          ch.force(false);
        }
        checkAfterProcessCrash(restorer, faults, model, "seed " + seed + ", end");
      } finally {
        ch.close();
        fs.close();
      }
      try (FileSystem again = open(faults, buffered)) {
        assertArrayEquals(model, readFile(again), "seed " + seed + " reopened");
      }
    }
    FAILURES.addAndGet(failures);
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "FAILED OPERATIONS: %d checked, %d of them forces%n",
        FAILURES.getAndSet(0), FAILED_FORCES.getAndSet(0));
  }

  private static void checkAfterProcessCrash(
      Restorer restorer, FaultInjectingFileSystem faults, byte[] view, String where)
      throws IOException {
    restorer.afterCrash(
        faults.recording(),
        CrashPlan.processCrash(),
        crashed -> assertArrayEquals(view, readFile(crashed), where + ", process crash"));
  }

  /**
   * How a write that runs out of space fails. On ext4 or XFS, only blocks that grow the file need
   * space; a write there may land in part before it fails (a short write, then {@code ENOSPC}). A
   * rewrite in place of a block already on disk allocates nothing there, and where it does (a
   * copy-on-write file system), a torn rewrite leaves that block damaged: see the README's known
   * limits. So writes that rewrite a whole block in place fail without writing.
   */
  private static DiskFullMode spaceRunsOut(Operation op, byte[] file) {
    int lastBlockStart = file.length / BLOCK * BLOCK;
    return op.position() >= lastBlockStart
        ? DiskFullMode.WRITE_PREFIX_THEN_FAIL
        : DiskFullMode.FAIL_WITHOUT_WRITING;
  }

  /**
   * What a failed {@code op} on {@code before} may leave: the old or the new size, in the
   * operation's range the old or the new bytes, and outside it the old bytes (zeros where the file
   * grew).
   */
  private static void checkOnlyItsRange(byte[] before, Operation op, byte[] view, String where) {
    byte[] after = op.model(before);
    assertTrue(
        view.length == before.length || view.length == after.length,
        where + ": " + view.length + " bytes, before " + before.length + ", after " + after.length);
    for (int i = 0; i < view.length; i++) {
      byte old = i < before.length ? before[i] : 0;
      if (view[i] == old || (op.covers(i) && view[i] == after[i])) {
        continue;
      }
      assertEquals(old, view[i], where + ": byte " + i + " is neither old nor written");
    }
  }

  /**
   * A write of {@code length} bytes drawn from {@code data} at {@code position} (anywhere up to a
   * block past the end, or at the end), or a truncate to {@code position}.
   */
  private record Operation(boolean truncate, int position, int length, long data) {
    static Operation draw(Random random, int size) {
      int kind = random.nextInt(10);
      if (kind < 2 && size > 0) {
        return new Operation(true, random.nextInt(size + 1), 0, 0);
      }
      int length = 1 + random.nextInt(kind < 5 ? 2 * BLOCK : 300);
      int position = kind < 7 || size == 0 ? random.nextInt(size + BLOCK + 1) : size;
      return new Operation(false, position, length, random.nextLong());
    }

    byte[] written() {
      byte[] bytes = new byte[length];
      new Random(data).nextBytes(bytes);
      return bytes;
    }

    void apply(FileChannel ch) throws IOException {
      if (truncate) {
        ch.truncate(position);
        return;
      }
      ByteBuffer src = ByteBuffer.wrap(written());
      while (src.hasRemaining()) {
        ch.write(src, position + src.position());
      }
    }

    /** The file after this operation on {@code before}, if it succeeded; bytes from the seed. */
    byte[] model(byte[] before) {
      if (truncate) {
        return Arrays.copyOf(before, Math.min(before.length, position));
      }
      byte[] after = Arrays.copyOf(before, Math.max(before.length, position + length));
      System.arraycopy(written(), 0, after, position, length);
      return after;
    }

    boolean covers(int i) {
      return !truncate && i >= position && i < position + length;
    }
  }

  private FileSystem open(FaultInjectingFileSystem faults, boolean buffered) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, buffered ? "buffered" : "write-through");
    return EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
  }

  private static byte[] readFile(FileSystem fs) throws IOException {
    return Files.readAllBytes(fs.getPath("/f"));
  }

  private static byte[] readAll(FileChannel ch) throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) ch.size());
    while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
      // to the end
    }
    return all.array();
  }
}
