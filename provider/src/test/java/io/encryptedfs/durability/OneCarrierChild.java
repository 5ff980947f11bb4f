package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A program for {@link OneCarrierTest}: runs, on many virtual threads at once, what makes the
 * provider wait for another thread (lock turns, the writer lock's hand-over, forces that wait for
 * one another, buffered tails flushed by the timer, block work shared with helper threads, opens
 * and closes of one file), then prints {@code done} and a line per scenario, or the failure.
 *
 * <p>Arguments: the root directory, and the write mode.
 */
public final class OneCarrierChild {
  private static final int THREADS = 40;
  private static final int RECORD = 100;

  private OneCarrierChild() {}

  public static void main(String[] args) throws Exception {
    Map<String, Object> env = WalAppender.env(NestedRoots.SEED);
    env.put(EncryptedFileSystems.WRITE_MODE, args[1]);
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "1");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(Path.of(args[0]), env)) {
      Path turns = fs.getPath("/turns");
      Path shared = fs.getPath("/shared");
      Files.createFile(turns);
      ExecutorService threads = VirtualThreads.perTaskExecutor();
      try {
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
          int t = i;
          all.add(threads.submit(() -> appendInTurns(turns, t)));
        }
        try (FileChannel c = FileChannel.open(shared, READ, WRITE, CREATE)) {
          for (int i = 0; i < THREADS; i++) {
            int t = i;
            all.add(threads.submit(() -> writeBlocks(c, t)));
            all.add(threads.submit(() -> openAndClose(shared)));
          }
          for (Future<?> f : all) {
            f.get(60, TimeUnit.SECONDS);
          }
        }
      } finally {
        threads.shutdownNow();
      }
      System.out.println("done");
      System.out.println("turns " + Files.size(turns) / RECORD);
      System.out.println("shared " + sharedFileIsWhole(Files.readAllBytes(shared)));
    }
  }

  private static Void appendInTurns(Path file, int t) throws IOException {
    try (FileChannel c = FileChannel.open(file, WRITE, APPEND)) {
      for (int turn = 0; turn < 3; turn++) {
        FileLock lock = lockInTurn(c);
        byte[] r = new byte[RECORD];
        Arrays.fill(r, (byte) ('a' + t % 26));
        c.write(ByteBuffer.wrap(r));
        if (turn == 1) {
          c.force(false);
        }
        lock.release();
      }
    }
    return null;
  }

  private static FileLock lockInTurn(FileChannel c) throws IOException {
    while (true) {
      try {
        return c.lock();
      } catch (OverlappingFileLockException e) {
        LockSupport.parkNanos(100_000);
      }
    }
  }

  /** Three blocks of thread {@code t}'s own, written and read back whole, then forced. */
  private static Void writeBlocks(FileChannel c, int t) throws IOException {
    byte[] mine = new byte[3 * 4096];
    Arrays.fill(mine, (byte) t);
    long at = (long) t * mine.length;
    c.write(ByteBuffer.wrap(mine), at);
    ByteBuffer back = ByteBuffer.allocate(mine.length);
    while (back.hasRemaining()) {
      c.read(back, at + back.position());
    }
    if (!Arrays.equals(mine, back.array())) {
      throw new AssertionError("thread " + t + " read back other bytes");
    }
    c.write(ByteBuffer.wrap(("tail " + t).getBytes(US_ASCII)), THREADS * 3L * 4096 + t * 8L);
    c.force(t % 2 == 0);
    return null;
  }

  /**
   * Whether every thread's blocks and tail are in {@code content}, as {@link #writeBlocks} put
   * them.
   */
  private static boolean sharedFileIsWhole(byte[] content) {
    int blocks = 3 * 4096;
    for (int t = 0; t < THREADS; t++) {
      for (int i = t * blocks; i < (t + 1) * blocks; i++) {
        if (content[i] != (byte) t) {
          return false;
        }
      }
      byte[] tail = ("tail " + t).getBytes(US_ASCII);
      int at = THREADS * blocks + t * 8;
      if (!Arrays.equals(tail, Arrays.copyOfRange(content, at, at + tail.length))) {
        return false;
      }
    }
    return true;
  }

  private static Void openAndClose(Path file) throws IOException {
    for (int i = 0; i < 5; i++) {
      try (FileChannel c = FileChannel.open(file, READ)) {
        c.read(ByteBuffer.allocate(10), 0);
      }
    }
    return null;
  }
}
