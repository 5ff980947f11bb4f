package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lock of size zero, beside the default file system's: from JDK 19 (JDK-5041655) it covers every
 * byte from its position on and reports size {@code Long.MAX_VALUE - position}; before, it reported
 * size zero. The encrypted channel follows the JDK it runs on, so this test tells the two apart
 * only on JDK 19 and later (CI's JDK 25 run).
 */
class ZeroSizeLockDifferentialTest {
  private static List<String> steps(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    try (FileChannel a = FileChannel.open(f, READ, WRITE, CREATE);
        FileChannel b = FileChannel.open(f, READ, WRITE)) {
      for (boolean shared : new boolean[] {false, true}) {
        FileLock lock = a.tryLock(100, 0, shared);
        seen.add(lock.position() + " " + lock.size() + " " + lock.isShared());
        seen.add(lock.overlaps(5_000, 1) + " " + lock.overlaps(0, 100) + " " + lock.overlaps(0, 0));
        try (FileLock second = b.tryLock(1_000_000, 10, true)) {
          seen.add("second " + (second == null ? "refused" : "granted"));
        } catch (RuntimeException e) {
          seen.add("second threw " + e.getClass().getName());
        }
        lock.release();
      }
      FileLock whole = a.lock(0, 0, false);
      seen.add(whole.position() + " " + whole.size());
      whole.release();
    }
    return seen;
  }

  @Test
  void aLockOfSizeZeroCoversWhatTheDefaultFileSystemsDoes(@TempDir Path tmp) throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, ZeroSizeLockDifferentialTest::steps);
  }
}
