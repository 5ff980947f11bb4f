package io.encryptedfs.durability;

import io.encryptedfs.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM and every line it writes to its standard output, read as they come by a thread of
 * their own, so that a child writing fast never blocks on a full pipe.
 *
 * <p>{@link #kill} sends SIGKILL through the child's {@link ProcessHandle}, not through {@link
 * Process#destroyForcibly}: the latter also closes this end of the pipe, which throws away the
 * lines the child wrote before it died that the thread had not read yet. A kill test that counts
 * acknowledgements then sees fewer than the child gave, and one that checks "the acknowledged state
 * or the one after" fails on a state two steps on.
 */
final class ChildLines {
  private final Process child;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;
  private IOException failure;
  private boolean ended;

  private ChildLines(Process child) {
    this.child = child;
    this.reader = new Thread(this::read, "child " + child.pid() + " stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code main} in a child JVM ({@link ChildJvm#start}) and reads what it prints. */
  static ChildLines start(Class<?> main, String... args) throws IOException {
    return new ChildLines(ChildJvm.start(main, args));
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        failure = e;
      }
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  boolean isAlive() {
    return child.isAlive();
  }

  /**
   * Waits until the child has printed {@code line}; false if it ended its output first or {@code
   * millis} passed.
   */
  synchronized boolean await(String line, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (!lines.contains(line)) {
      long left = deadline - System.nanoTime();
      if (ended || left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** The lines read so far. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * SIGKILLs the child, waits for it to die and for every line it wrote before that to be read;
   * returns them all.
   */
  List<String> kill() throws InterruptedException {
    child.toHandle().destroyForcibly();
    child.waitFor();
    reader.join();
    synchronized (this) {
      if (failure != null) {
        throw new UncheckedIOException("reading the child's output failed", failure);
      }
      return List.copyOf(lines);
    }
  }

  /**
   * The number in the last {@code ack N.} line of {@code lines}, or {@code none} if there is none.
   */
  static int lastAck(List<String> lines, int none) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      if (line.startsWith("ack ") && line.endsWith(".")) {
        return Integer.parseInt(line.substring(4, line.length() - 1));
      }
    }
    return none;
  }
}
