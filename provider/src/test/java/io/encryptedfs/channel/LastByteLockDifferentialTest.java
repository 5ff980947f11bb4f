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
 * Locks on the last byte a lock can cover ({@code Long.MAX_VALUE - 1}), beside the default file
 * system's. An encrypted channel's range is held one byte up on the underlying file, where that
 * byte has no room in a {@code FileLock}'s range, so the JDK's own table of this program's locks
 * cannot see it: a lock of that byte alone overlapped nothing there, and two channels of one
 * program both held it (jqwik's {@code ConfigDifferentialTest} found it on JDK 25).
 */
class LastByteLockDifferentialTest {
  private static final long LAST = Long.MAX_VALUE - 1;

  private static String tryLock(FileChannel c, long position, long size, boolean shared) {
    try {
      FileLock lock = c.tryLock(position, size, shared);
      return lock == null ? "refused" : "granted " + lock.position() + " " + lock.size();
    } catch (RuntimeException | IOException e) {
      return "threw " + e.getClass().getSimpleName();
    }
  }

  private static List<String> steps(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    try (FileChannel a = FileChannel.open(f, READ, WRITE, CREATE);
        FileChannel b = FileChannel.open(f, READ, WRITE)) {
      FileLock whole = a.tryLock(0, Long.MAX_VALUE, false);
      seen.add("whole " + whole.size());
      seen.add("last byte, other channel: " + tryLock(b, LAST, 1, true));
      seen.add("last byte, same channel: " + tryLock(a, LAST, 1, true));
      whole.release();

      FileLock last = a.tryLock(LAST, 1, true);
      seen.add("last " + last.position() + " " + last.size());
      seen.add("last two bytes: " + tryLock(b, LAST - 1, 2, true));
      seen.add("whole file: " + tryLock(b, 0, Long.MAX_VALUE, false));
      seen.add("byte before it: " + tryLock(b, LAST - 1, 1, false));
      last.release();
      seen.add("last byte once released: " + tryLock(b, LAST, 1, false));
    }
    return seen;
  }

  @Test
  void theLastByteOverlapsAsOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, LastByteLockDifferentialTest::steps);
  }
}
