package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.testing.VirtualThreads;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A program for {@link OneCarrierTest}: twenty virtual threads append lines to one log through
 * {@code PrintWriter}s over {@code Files.newBufferedWriter}, as request handlers log, while two
 * others force it. On JDK 21 a {@code PrintWriter} over a {@code Writer} writes inside a {@code
 * synchronized} block of its own, which no stack walk shows: its writes waited for a force to free
 * a tail slot pinned to their carriers, and the forcer, handed the file's lock, never ran (a helper
 * session's run: 14 hangs of 14 on one carrier, 5 of 10 on two). Prints {@code done} and the number
 * of lines, or the failure.
 *
 * <p>Arguments: the root directory.
 */
public final class PrintWritersChild {
  private static final int WRITERS = 20;
  private static final int LINES = 15;
  private static final int FORCERS = 2;

  private PrintWritersChild() {}

  public static void main(String[] args) throws Exception {
    try (FileSystem fs = NestedRoots.open(Path.of(args[0]))) {
      Path log = fs.getPath("/log");
      Files.createFile(log);
      List<Callable<?>> tasks = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        int t = i;
        tasks.add(
            () -> {
              for (int line = 0; line < LINES; line++) {
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, UTF_8, APPEND))) {
                  w.println("request " + t + " " + line);
                }
              }
              return null;
            });
      }
      for (int i = 0; i < FORCERS; i++) {
        tasks.add(
            () -> {
              try (FileChannel c = FileChannel.open(log, WRITE)) {
                for (int round = 0; round < 100; round++) {
                  c.force(false);
                }
              }
              return null;
            });
      }
      VirtualThreads.runAll(tasks, 60);
      System.out.println("done");
      System.out.println("lines " + Files.readAllLines(log, UTF_8).size());
    }
  }
}
