package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Path;

/**
 * A second program for {@link LockHandoverTest}: keeps {@code /log} open and appends {@code count}
 * lines {@code "<tag> <i>"} to it, each under an exclusive lock of the whole file taken and
 * released around it, at the size it reads under that lock: the way programs that share a log file
 * take turns (logback's prudent mode does this). Prints {@code done.} at the end.
 *
 * <p>Arguments: root directory, key seed ({@code plain} for the directory itself, no encryption),
 * tag, count.
 */
public final class LockedAppender {
  private LockedAppender() {}

  /** Appends lines {@code first} to {@code first + count - 1}. */
  static void appendUnderLock(FileChannel log, String tag, int first, int count)
      throws IOException {
    for (int i = first; i < first + count; i++) {
      try (FileLock lock = log.lock()) {
        ByteBuffer line = ByteBuffer.wrap((tag + " " + i + "\n").getBytes(UTF_8));
        long at = log.size();
        while (line.hasRemaining()) {
          at += log.write(line, at);
        }
      }
    }
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    int count = Integer.parseInt(args[3]);
    if (args[1].equals("plain")) {
      try (FileChannel log = FileChannel.open(root.resolve("log"), READ, WRITE)) {
        appendUnderLock(log, args[2], 0, count);
      }
    } else {
      long seed = Long.parseLong(args[1]);
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed));
          FileChannel log = FileChannel.open(fs.getPath("/log"), READ, WRITE)) {
        appendUnderLock(log, args[2], 0, count);
      }
    }
    System.out.println("done.");
    System.out.flush();
  }
}
