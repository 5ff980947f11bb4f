package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A second program for the tests of lock waits: holds an exclusive lock on a range of a raw file,
 * prints {@code held}, and lets it go when it reads a line.
 *
 * <p>Arguments: raw file, position, size.
 */
public final class RangeHolder implements AutoCloseable {
  private final Process child;

  private RangeHolder(Process child) {
    this.child = child;
  }

  /** Starts the program on {@code raw} and returns once it holds {@code [position, +size)}. */
  static RangeHolder hold(Path raw, long position, long size) throws IOException {
    Process child =
        ChildJvm.start(
            RangeHolder.class, raw.toString(), Long.toString(position), Long.toString(size));
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
    String line = out.readLine();
    if (!"held".equals(line)) {
      child.destroyForcibly();
      throw new AssertionError("the range holder said " + line);
    }
    return new RangeHolder(child);
  }

  /** Lets the range go and waits for the program to end. */
  void letGo() throws IOException, InterruptedException {
    OutputStream in = child.getOutputStream();
    in.write('\n');
    in.flush();
    if (!child.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the range holder did not end within 30 s");
    }
  }

  @Override
  public void close() {
    child.destroyForcibly();
  }

  public static void main(String[] args) throws IOException {
    try (FileChannel c =
            FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = c.lock(Long.parseLong(args[1]), Long.parseLong(args[2]), false)) {
      System.out.println("held");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, UTF_8)).readLine();
    }
  }
}
