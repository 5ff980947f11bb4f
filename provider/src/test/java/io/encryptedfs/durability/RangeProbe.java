package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second program for the tests of locks across programs: on a plain file (an encrypted file's
 * underlying file, too), or on {@code /f} of an encrypted root ({@link NestedRoots#open}), tries an
 * exclusive lock of each given range and prints {@code free} or {@code busy} for each,
 * space-separated, giving each back at once.
 *
 * <p>Arguments: {@code plain} and a file, or {@code encrypted} and a root directory; then positions
 * and sizes, alternately.
 */
public final class RangeProbe {
  private RangeProbe() {}

  /** Runs this program on {@code where} (as {@link #main} reads it) and returns its line. */
  static String probe(String mode, Path where, long... ranges) throws Exception {
    List<String> args = new ArrayList<>(List.of(mode, where.toString()));
    for (long r : ranges) {
      args.add(Long.toString(r));
    }
    Process child = ChildJvm.start(RangeProbe.class, args.toArray(new String[0]));
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      String line = out.readLine();
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the range probe did not end within 30 s");
      }
      return line;
    } finally {
      child.destroyForcibly();
    }
  }

  public static void main(String[] args) throws IOException {
    boolean plain = args[0].equals("plain");
    try (FileSystem fs = plain ? null : NestedRoots.open(Path.of(args[1]))) {
      Path file = plain ? Path.of(args[1]) : fs.getPath("/f");
      StringBuilder line = new StringBuilder();
      try (FileChannel c = FileChannel.open(file, READ, WRITE)) {
        for (int i = 2; i + 1 < args.length; i += 2) {
          FileLock lock = c.tryLock(Long.parseLong(args[i]), Long.parseLong(args[i + 1]), false);
          line.append(i > 2 ? " " : "").append(lock == null ? "busy" : "free");
          if (lock != null) {
            lock.release();
          }
        }
      }
      System.out.println(line);
    }
  }
}
