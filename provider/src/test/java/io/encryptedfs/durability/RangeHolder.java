package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.encryptedfs.testing.ChildJvm;
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
 * A second program for the tests of lock waits: holds an exclusive lock on a range of a raw file
 * and prints {@code held}; then, for each line it reads, {@code release} lets the range go (it
 * prints {@code released}) and {@code hold} takes it again (waiting for it; {@code held}). It ends,
 * letting go, when its input ends.
 *
 * <p>Arguments: raw file, position, size.
 */
public final class RangeHolder implements AutoCloseable {
  private final Process child;
  private final BufferedReader out;

  private RangeHolder(Process child, BufferedReader out) {
    this.child = child;
    this.out = out;
  }

  /** Starts the program on {@code raw} and returns once it holds {@code [position, +size)}. */
  static RangeHolder hold(Path raw, long position, long size) throws IOException {
    Process child =
        ChildJvm.start(
            RangeHolder.class, raw.toString(), Long.toString(position), Long.toString(size));
    RangeHolder holder =
        new RangeHolder(
            child, new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8)));
    holder.expect("held");
    return holder;
  }

  /** Lets the range go and returns once it has. */
  void release() throws IOException {
    say("release");
    expect("released");
  }

  /** Takes the range again and returns once it holds it (the caller bounds the wait). */
  void holdAgain() throws IOException {
    say("hold");
    expect("held");
  }

  /** Lets the range go and waits for the program to end. */
  void letGo() throws IOException, InterruptedException {
    child.getOutputStream().close();
    if (!child.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the range holder did not end within 30 s");
    }
  }

  private void say(String command) throws IOException {
    OutputStream in = child.getOutputStream();
    in.write((command + "\n").getBytes(UTF_8));
    in.flush();
  }

  private void expect(String word) throws IOException {
    String line = out.readLine();
    if (!word.equals(line)) {
      child.destroyForcibly();
      throw new AssertionError("the range holder said " + line + ", not " + word);
    }
  }

  @Override
  public void close() {
    child.destroyForcibly();
  }

  public static void main(String[] args) throws IOException {
    long position = Long.parseLong(args[1]);
    long size = Long.parseLong(args[2]);
    try (FileChannel c =
        FileChannel.open(Path.of(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = c.lock(position, size, false);
      System.out.println("held");
      System.out.flush();
      BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, UTF_8));
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        if (line.equals("release")) {
          lock.release();
          System.out.println("released");
        } else if (line.equals("hold")) {
          lock = c.lock(position, size, false);
          System.out.println("held");
        }
        System.out.flush();
      }
    }
  }
}
