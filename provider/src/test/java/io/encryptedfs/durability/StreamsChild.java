package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A program for {@link OneCarrierTest}: virtual threads read one file through {@code
 * Files.newInputStream} and append to another through {@code Files.newOutputStream}, all at once,
 * while others write both through channels, so that the streams' calls wait for the files' locks.
 * Prints {@code done} and whether each file holds what was written, or the failure.
 *
 * <p>Arguments: the root directory.
 */
public final class StreamsChild {
  static final int THREADS = 25;
  static final int ROUNDS = 10;
  static final int CHUNK = 4096;

  private StreamsChild() {}

  public static void main(String[] args) throws Exception {
    try (FileSystem fs = NestedRoots.open(Path.of(args[0]))) {
      Path read = fs.getPath("/read");
      Path appended = fs.getPath("/appended");
      Files.write(read, new byte[THREADS * CHUNK]);
      Files.createFile(appended);
      List<Callable<?>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int t = i;
        tasks.add(() -> writeChunks(read, t));
        tasks.add(() -> readThrough(read));
        tasks.add(() -> appendThrough(appended, t));
        tasks.add(() -> appendByChannel(appended, t));
      }
      VirtualThreads.runAll(tasks, 60);
      System.out.println("done");
      System.out.println("read " + chunksWhole(Files.readAllBytes(read)));
      System.out.println("appended " + Files.size(appended) / CHUNK);
    }
  }

  private static byte[] chunk(int t) {
    byte[] c = new byte[CHUNK];
    Arrays.fill(c, (byte) (t + 1));
    return c;
  }

  /** Writes thread {@code t}'s chunk at its place, {@link #ROUNDS} times, each forced. */
  static Void writeChunks(Path file, int t) throws IOException {
    try (FileChannel c = FileChannel.open(file, WRITE)) {
      for (int round = 0; round < ROUNDS; round++) {
        c.write(ByteBuffer.wrap(chunk(t)), (long) t * CHUNK);
        c.force(false);
      }
    }
    return null;
  }

  private static Void readThrough(Path file) throws IOException {
    byte[] buffer = new byte[CHUNK / 4];
    for (int round = 0; round < ROUNDS; round++) {
      try (InputStream in = Files.newInputStream(file)) {
        while (in.read(buffer) >= 0) {
          // only the waits matter here; chunksWhole checks the content at the end
        }
      }
    }
    return null;
  }

  private static Void appendThrough(Path file, int t) throws IOException {
    try (OutputStream out = Files.newOutputStream(file, APPEND)) {
      for (int round = 0; round < ROUNDS; round++) {
        out.write(chunk(t));
      }
    }
    return null;
  }

  private static Void appendByChannel(Path file, int t) throws IOException {
    try (FileChannel c = FileChannel.open(file, APPEND)) {
      for (int round = 0; round < ROUNDS; round++) {
        c.write(ByteBuffer.wrap(chunk(t)));
        c.force(false);
      }
    }
    return null;
  }

  /**
   * Whether {@code content} holds every thread's chunk at its place, as {@link #writeChunks} put
   * them.
   */
  static boolean chunksWhole(byte[] content) {
    if (content.length != THREADS * CHUNK) {
      return false;
    }
    for (int t = 0; t < THREADS; t++) {
      if (!Arrays.equals(chunk(t), Arrays.copyOfRange(content, t * CHUNK, (t + 1) * CHUNK))) {
        return false;
      }
    }
    return true;
  }
}
