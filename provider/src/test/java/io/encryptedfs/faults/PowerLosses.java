package io.encryptedfs.faults;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.channel.NewFilePolicy;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.keystore.KeyProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The power losses one encrypted file of a {@link Recording} may suffer, each reopened by a fresh
 * program that reads the file whole: every subset of the pages written since its last force (write
 * back keeps dirty pages in any order, so a record may land in part and the ones before it not),
 * and every prefix of those writes with the next one torn at a sector. A file that does not open or
 * read to its end fails the test, naming the crash.
 */
final class PowerLosses {
  /** Most unforced pages a case may leave: every subset of them is tried, 1,024 crashes. */
  private static final int MAX_PAGES = 10;

  private final KeyProvider keys;
  private final NewFilePolicy policy;

  PowerLosses(KeyProvider keys, NewFilePolicy policy) {
    this.keys = keys;
    this.policy = policy;
  }

  /** What the reader found in the file after {@code plan}. */
  interface Check {
    void run(byte[] found, CrashPlan plan);
  }

  /** Runs {@code check} on the file at {@code path} after every power loss; returns how many. */
  int check(Recording recording, String path, Check check) {
    List<CrashPlan> plans = new ArrayList<>();
    int pages = recording.file(path).unforcedPages();
    assertTrue(pages <= MAX_PAGES, path + ": " + pages + " unforced pages, keep cases small");
    for (long bits = 0; bits < 1L << pages; bits++) {
      BitSet kept = BitSet.valueOf(new long[] {bits});
      plans.add(CrashPlan.of(Map.of(path, FileCut.pages(kept)), FileCut.all()));
    }
    recording
        .crashPoints()
        .cuts(path)
        .forEach(cut -> plans.add(CrashPlan.of(Map.of(path, cut), FileCut.all())));
    for (CrashPlan plan : plans) {
      check.run(read(recording.crash(plan), path), plan);
    }
    return plans.size();
  }

  private byte[] read(CrashImage image, String path) {
    try (FileSystem after = Jimfs.newFileSystem(Configuration.unix())) {
      Path file = image.writeTo(after.getPath("/restored")).resolve(path);
      OpenFiles reader = new OpenFiles(keys, new SecureRandom());
      try (FileChannel ch =
          reader.newFileChannel(file, "/" + path, EnumSet.of(StandardOpenOption.READ), policy)) {
        ByteBuffer buffer = ByteBuffer.allocate((int) ch.size());
        while (buffer.hasRemaining() && ch.read(buffer) >= 0) {
          // the whole file
        }
        return buffer.array();
      }
    } catch (IOException e) {
      throw new AssertionError(image + ": " + e, e);
    }
  }

  /**
   * The reader found {@code written}'s first {@code forced} bytes, the ones a completed force
   * covered, and at most the rest of them: any state of appends that a power loss may leave.
   */
  static void keepsPrefix(byte[] found, byte[] written, int forced, CrashPlan plan) {
    assertTrue(
        found.length >= forced && found.length <= written.length,
        plan + ": " + found.length + " bytes, forced " + forced);
    assertArrayEquals(Arrays.copyOf(written, found.length), found, plan::toString);
  }
}
