package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks taken by a thread whose interrupt status is already set, beside the default file system's,
 * as a service that cancels a request's virtual thread may leave it: {@code lock} throws {@code
 * FileLockInterruptionException} and closes the channel, after the checks that come first ({@code
 * OverlappingFileLockException} for a range this program holds); {@code tryLock}, which does not
 * block, takes the range and leaves the channel open. Before, both threw {@code
 * ClosedByInterruptException}, which {@code lock} does not declare, and closed the channel.
 */
class InterruptedLockDifferentialTest {
  private interface Take {
    FileLock on(FileChannel c) throws IOException;
  }

  private static String interrupted(FileChannel c, Take take) {
    Thread.currentThread().interrupt();
    String outcome;
    try {
      FileLock lock = take.on(c);
      outcome = "granted valid " + lock.isValid();
    } catch (IOException | RuntimeException e) {
      outcome = "threw " + e.getClass().getSimpleName();
    }
    return outcome + ", interrupted " + Thread.interrupted() + ", open " + c.isOpen();
  }

  private static List<String> steps(Path f) throws IOException {
    List<String> seen = new ArrayList<>();
    List<Take> takes =
        List.of(
            FileChannel::lock,
            c -> c.lock(0, 10, true),
            FileChannel::tryLock,
            c -> c.tryLock(0, 10, true),
            c -> c.lock(-1, 10, false));
    for (Take take : takes) {
      try (FileChannel c = FileChannel.open(f, READ, WRITE, CREATE)) {
        c.write(ByteBuffer.wrap(new byte[20]), 0);
        seen.add(interrupted(c, take));
        if (c.isOpen()) {
          c.write(ByteBuffer.wrap(new byte[] {1}), 0);
          seen.add("writes after");
        }
      }
      try (FileChannel other = FileChannel.open(f, READ, WRITE)) {
        FileLock free = other.tryLock();
        seen.add("left held " + (free == null));
      }
    }
    try (FileChannel c = FileChannel.open(f, READ, WRITE);
        FileChannel d = FileChannel.open(f, READ, WRITE)) {
      FileLock held = c.lock(0, 10, false);
      seen.add("overlapping: " + interrupted(d, x -> x.lock(5, 10, false)));
      seen.add("held still " + held.isValid());
    }
    return seen;
  }

  @Test
  void anInterruptedThreadsLocksEndAsOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    PlainAndEncryptedFile.assertSame(tmp, InterruptedLockDifferentialTest::steps);
  }
}
