package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.encryptedfs.testing.VirtualThreads;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A program for {@link OneCarrierTest}: virtual threads read one file whole through {@code
 * Files.readAllBytes} and {@code Files.readString} while others write it through channels, all at
 * once. Those two read through the JDK's own stream over the file's channel, whose reads hold a
 * monitor, so that they wait for the file's lock inside it. Prints {@code done} and whether the
 * file holds what was written, or the failure.
 *
 * <p>Arguments: the root directory.
 */
public final class ReadAllBytesChild {
  private static final int THREADS = StreamsChild.THREADS;
  private static final int ROUNDS = StreamsChild.ROUNDS;
  private static final int CHUNK = StreamsChild.CHUNK;

  private ReadAllBytesChild() {}

  public static void main(String[] args) throws Exception {
    try (FileSystem fs = NestedRoots.open(Path.of(args[0]))) {
      Path file = fs.getPath("/whole");
      Files.write(file, new byte[THREADS * CHUNK]);
      List<Callable<?>> tasks = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int t = i;
        tasks.add(() -> StreamsChild.writeChunks(file, t));
        tasks.add(() -> readWhole(file));
      }
      VirtualThreads.runAll(tasks, 60);
      System.out.println("done");
      System.out.println("whole " + StreamsChild.chunksWhole(Files.readAllBytes(file)));
    }
  }

  private static Void readWhole(Path file) throws IOException {
    for (int round = 0; round < ROUNDS; round++) {
      if (Files.readAllBytes(file).length != THREADS * CHUNK
          || Files.readString(file, ISO_8859_1).length() != THREADS * CHUNK) {
        throw new IOException("a whole read of the wrong size");
      }
    }
    return null;
  }
}
