package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
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
 * A program for {@link OneCarrierTest}: many virtual threads each open one file for writing, write
 * a record of their own and close the channel, again and again, all at once, so that closes wait
 * for the file's lock while writes hold it. Prints {@code done} and whether every record is in the
 * file, or the failure.
 *
 * <p>Arguments: the root directory.
 */
public final class ClosingWritersChild {
  static final int THREADS = 50;
  static final int ROUNDS = 4;
  private static final int RECORD = 100;

  private ClosingWritersChild() {}

  public static void main(String[] args) throws Exception {
    try (FileSystem fs = NestedRoots.open(Path.of(args[0]))) {
      Path file = fs.getPath("/closing");
      Files.createFile(file);
      List<Callable<?>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int t = i;
        tasks.add(() -> writeAndClose(file, t));
      }
      VirtualThreads.runAll(tasks, 60);
      System.out.println("done");
      System.out.println("whole " + everyRecordIn(Files.readAllBytes(file)));
    }
  }

  private static Void writeAndClose(Path file, int t) throws IOException {
    for (int round = 0; round < ROUNDS; round++) {
      try (FileChannel c = FileChannel.open(file, WRITE, CREATE)) {
        c.write(ByteBuffer.wrap(record(t, round)), offset(t, round));
      }
    }
    return null;
  }

  private static long offset(int t, int round) {
    return ((long) t * ROUNDS + round) * RECORD;
  }

  private static byte[] record(int t, int round) {
    byte[] r = new byte[RECORD];
    Arrays.fill(r, (byte) (t * ROUNDS + round + 1));
    return r;
  }

  private static boolean everyRecordIn(byte[] content) {
    if (content.length != THREADS * ROUNDS * RECORD) {
      return false;
    }
    for (int t = 0; t < THREADS; t++) {
      for (int round = 0; round < ROUNDS; round++) {
        int at = (int) offset(t, round);
        if (!Arrays.equals(record(t, round), Arrays.copyOfRange(content, at, at + RECORD))) {
          return false;
        }
      }
    }
    return true;
  }
}
