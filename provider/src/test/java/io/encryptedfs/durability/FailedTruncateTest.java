package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.SyncFailedException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A truncate whose shrink of the underlying file fails, as {@code ftruncate} does on an I/O error.
 * By then its shorter record is durable, so the truncate has happened, whatever the call reports:
 * the channel's view says so at once, as a reopen or a crash would. The blocks past the new end are
 * still on disk, and they would authenticate at their old places, so the next write drops them
 * first, durably, before it writes blocks there; while the disk still fails, that write fails and
 * changes nothing.
 */
class FailedTruncateTest {
  private static final int BLOCK = 4096;
  private static final String FILE = "f";
  private final InMemoryKeys keys = new InMemoryKeys("master");

  /** {@code before} and {@code after} lie a block boundary apart or more: the raw file shrinks. */
  @Property(tries = 40)
  void aTruncateWhoseShrinkFailedHasHappenedAndTheNextWriteShrinksFirst(
      @ForAll @IntRange(min = 2 * BLOCK, max = 4 * BLOCK) int before,
      @ForAll @IntRange(min = 0, max = 2 * BLOCK - 1) int after,
      @ForAll @IntRange(min = 0, max = BLOCK) int gap,
      @ForAll @IntRange(min = 1, max = BLOCK) int extra,
      @ForAll boolean buffered)
      throws IOException {
    byte[] data = pattern(before, 1);
    byte[] truncated = Arrays.copyOf(data, after);
    byte[] added = pattern(extra, 2);
    byte[] rewritten = Arrays.copyOf(truncated, after + gap + extra);
    System.arraycopy(added, 0, rewritten, after + gap, extra);
    Recording[] atFailure = new Recording[1];
    Recording[] atEnd = new Recording[1];
    onForcedFile(
        data,
        buffered,
        (faults, ch) -> {
          faults.failTruncates(path -> path.getFileName().toString().equals(FILE));

          IOException failed = assertThrows(IOException.class, () -> ch.truncate(after));
          assertEquals("/f: truncate failed: Input/output error", failed.getMessage());
          assertEquals(after, ch.size());
          assertArrayEquals(truncated, readAll(ch));
          atFailure[0] = faults.recording();

          IOException again =
              assertThrows(IOException.class, () -> ch.write(ByteBuffer.wrap(added), after + gap));
          assertEquals("/f: truncate failed: Input/output error", again.getMessage());
          assertEquals(after, ch.size());
          assertArrayEquals(truncated, readAll(ch));

          faults.failTruncates(path -> false);
          writeAll(ch, added, after + gap);
          assertArrayEquals(rewritten, readAll(ch));
          atEnd[0] = faults.recording();
          ch.force(false);
          assertArrayEquals(rewritten, readAll(ch));
        },
        faults -> {
          try (FileSystem again = open(faults, buffered)) {
            assertArrayEquals(rewritten, Files.readAllBytes(again.getPath("/" + FILE)));
          }
        });
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      for (CrashPlan plan : new CrashPlan[] {CrashPlan.processCrash(), CrashPlan.powerLoss()}) {
        restorer.afterCrash(
            atFailure[0],
            plan,
            fs -> assertArrayEquals(truncated, Files.readAllBytes(fs.getPath("/" + FILE))));
        restorer.afterCrash(
            atEnd[0], plan, fs -> checkEither(fs, plan, after, truncated, rewritten));
      }
    }
  }

  /**
   * A truncate whose force (the one that makes its shorter record durable before the shrink) fails:
   * the call throws {@code SyncFailedException}, the file shrinks no further and, as after any
   * failed force, takes no writes until reopened. Its view is the shorter file, as a process crash
   * (which keeps the record) would find it; a power loss may keep the longer one, whole. Reopened,
   * the file is the shorter one and takes writes where the dropped blocks were.
   */
  @ParameterizedTest
  @CsvSource({"10000, 5000", "12288, 100", "9000, 8500"})
  void aTruncateWhoseForceFailsReadsAsItsRecordSays(int before, int after) throws IOException {
    byte[] data = pattern(before, 5);
    byte[] truncated = Arrays.copyOf(data, after);
    byte[] added = pattern(BLOCK, 6);
    byte[] rewritten = Arrays.copyOf(truncated, after + BLOCK);
    System.arraycopy(added, 0, rewritten, after, BLOCK);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem fs = open(faults, false);
      try (FileChannel ch = FileChannel.open(fs.getPath("/" + FILE), CREATE_NEW, READ, WRITE)) {
        writeAll(ch, data, 0);
        ch.force(false);
        faults.failForces(path -> path.getFileName().toString().equals(FILE));
        assertThrows(SyncFailedException.class, () -> ch.truncate(after));
        faults.failForces(path -> false);

        assertEquals(after, ch.size());
        assertArrayEquals(truncated, readAll(ch));
        Recording recording = faults.recording();
        restorer.afterCrash(
            recording,
            CrashPlan.processCrash(),
            crashed -> assertArrayEquals(truncated, Files.readAllBytes(crashed.getPath("/f"))));
        restorer.afterCrash(
            recording,
            CrashPlan.powerLoss(),
            crashed -> assertArrayEquals(data, Files.readAllBytes(crashed.getPath("/f"))));
        assertThrows(SyncFailedException.class, () -> ch.write(ByteBuffer.wrap(added), after));
      }
      assertThrows(SyncFailedException.class, fs::close);
      try (FileSystem again = open(faults, false);
          FileChannel ch = FileChannel.open(again.getPath("/" + FILE), READ, WRITE)) {
        assertArrayEquals(truncated, readAll(ch));
        writeAll(ch, added, after);
        ch.force(false);
        assertArrayEquals(rewritten, readAll(ch));
      }
      restorer.afterCrash(
          faults.recording(),
          CrashPlan.powerLoss(),
          crashed -> assertArrayEquals(rewritten, Files.readAllBytes(crashed.getPath("/f"))));
    }
  }

  /**
   * A truncate whose force another thread's interrupt cut short (the force reports {@code
   * SyncFailedException}, but unlike a failed {@code fsync} it leaves the file taking writes): its
   * shorter record may not be durable, so the next write, which shrinks the raw file first, forces
   * the record before the shrink. A power loss that kept the shrink and lost the record would leave
   * the older record naming blocks that are gone. The crash is taken at the next write's first
   * force (before the shrink with the record forced first; after it without), over every subset of
   * the pages not yet forced: the file must read as the longer one or the truncated one, whole.
   */
  @ParameterizedTest
  @CsvSource({"10000, 5000", "12288, 100", "16384, 4096"})
  void aTruncateWhoseForceWasCutIsMadeDurableBeforeTheShrink(int before, int after)
      throws IOException {
    byte[] data = pattern(before, 7);
    byte[] truncated = Arrays.copyOf(data, after);
    byte[] added = pattern(100, 8);
    byte[] rewritten = Arrays.copyOf(truncated, after + added.length);
    System.arraycopy(added, 0, rewritten, after, added.length);
    Recording[] atNextForce = new Recording[1];
    onForcedFile(
        data,
        false,
        (faults, ch) -> {
          faults.cutForces(path -> path.getFileName().toString().equals(FILE));
          SyncFailedException cut =
              assertThrows(SyncFailedException.class, () -> ch.truncate(after));
          assertTrue(cut.getMessage().startsWith("/f: force cut short"), cut.getMessage());
          faults.cutForces(path -> false);
          assertArrayEquals(truncated, readAll(ch));

          faults.failForces(
              path -> {
                if (path.getFileName().toString().equals(FILE) && atNextForce[0] == null) {
                  try {
                    atNextForce[0] = faults.recording();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }
                return false;
              });
          writeAll(ch, added, after);
          faults.failForces(path -> false);
          assertArrayEquals(rewritten, readAll(ch));
        },
        faults -> {});
    int[] crashes = {0};
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterEveryPageSubset(
          atNextForce[0],
          Restorer.ROOT + "/" + FILE,
          (fs, plan) -> {
            byte[] found = Files.readAllBytes(fs.getPath("/" + FILE));
            if (!Arrays.equals(data, found) && !Arrays.equals(truncated, found)) {
              fail(
                  plan + ": " + found.length + " bytes, neither the longer nor the truncated file");
            }
            crashes[0]++;
          });
    }
    assertTrue(crashes[0] >= 2, "only " + crashes[0] + " crashes");
  }

  /**
   * Every crash that keeps any subset of the pages the write after the failed shrink put down: the
   * file is the truncated one or the rewritten one, never with the dropped blocks' old bytes in the
   * place of a new block that did not land; such a block may only read as damaged.
   */
  @ParameterizedTest
  @CsvSource({"10000, 5000, 0, 4000", "12288, 4096, 100, 4096", "9000, 100, 4000, 4000"})
  void noCrashAfterTheNextWriteBringsBackTheDroppedBlocks(int before, int after, int gap, int extra)
      throws IOException {
    byte[] data = pattern(before, 3);
    byte[] truncated = Arrays.copyOf(data, after);
    byte[] rewritten = Arrays.copyOf(truncated, after + gap + extra);
    System.arraycopy(pattern(extra, 4), 0, rewritten, after + gap, extra);
    Recording[] recording = new Recording[1];
    onForcedFile(
        data,
        false,
        (faults, ch) -> {
          faults.failTruncates(path -> true);
          assertThrows(IOException.class, () -> ch.truncate(after));
          faults.failTruncates(path -> false);
          writeAll(ch, Arrays.copyOfRange(rewritten, after + gap, rewritten.length), after + gap);
          recording[0] = faults.recording();
        },
        faults -> {});
    int[] crashes = {0};
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterEveryPageSubset(
          recording[0],
          Restorer.ROOT + "/" + FILE,
          (fs, plan) -> {
            checkEither(fs, plan, after, truncated, rewritten);
            crashes[0]++;
          });
    }
    assertTrue(crashes[0] >= 4, "only " + crashes[0] + " crashes");
    System.out.printf(
        "FAILED TRUNCATE %d/%d/%d/%d: %d crashes%n", before, after, gap, extra, crashes[0]);
  }

  /**
   * The file reads as {@code truncated} or {@code rewritten}; in the latter, a block past the
   * truncated end (new) may instead fail authentication.
   */
  private static void checkEither(
      FileSystem fs, CrashPlan plan, int after, byte[] truncated, byte[] rewritten)
      throws IOException {
    try {
      byte[] found = Files.readAllBytes(fs.getPath("/" + FILE));
      if (!Arrays.equals(truncated, found) && !Arrays.equals(rewritten, found)) {
        fail(plan + ": " + found.length + " bytes, neither the truncated nor the rewritten file");
      }
    } catch (DamagedFileException e) {
      assertTrue(e.block() >= after / BLOCK, plan + ": " + e.getMessage());
    }
  }

  /** What a test does with the open channel, then once it and its file system are closed. */
  private interface OnChannel {
    void run(FaultInjectingFileSystem faults, FileChannel ch) throws IOException;
  }

  private interface AfterClose {
    void run(FaultInjectingFileSystem faults) throws IOException;
  }

  /** Creates the file with {@code data}, forced, in a fresh fault file system. */
  private void onForcedFile(byte[] data, boolean buffered, OnChannel body, AfterClose afterClose)
      throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = open(faults, buffered);
          FileChannel ch = FileChannel.open(fs.getPath("/" + FILE), CREATE_NEW, READ, WRITE)) {
        writeAll(ch, data, 0);
        ch.force(false);
        body.run(faults, ch);
      }
      afterClose.run(faults);
    }
  }

  private FileSystem open(FaultInjectingFileSystem faults, boolean buffered) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, buffered ? "buffered" : "write-through");
    return EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
  }

  private static byte[] pattern(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 31 + i / 251 + seed);
    }
    return bytes;
  }

  private static void writeAll(FileChannel ch, byte[] bytes, long position) throws IOException {
    ByteBuffer src = ByteBuffer.wrap(bytes);
    while (src.hasRemaining()) {
      ch.write(src, position + src.position());
    }
  }

  private static byte[] readAll(FileChannel ch) throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) ch.size());
    while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
      // to the end
    }
    return all.array();
  }
}
