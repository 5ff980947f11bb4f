package io.encryptedfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Heap dumps of a child JVM, for tests that look for secrets left in memory. The child runs with
 * the Epsilon collector, which never collects, so that a dump of every object ({@code
 * HotSpotDiagnosticMXBean.dumpHeap(file, false)}) holds each array ever made that was not
 * overwritten: garbage a program dropped unwiped is found as surely as what it still holds.
 */
public final class HeapDumps {
  private HeapDumps() {}

  /**
   * Runs {@code main} in a child JVM on this class path with {@code args} and then the path of the
   * dump it must write, and returns that dump's bytes.
   */
  public static byte[] ofChild(Path dir, Class<?> main, String... args)
      throws IOException, InterruptedException {
    Path dump = dir.resolve("heap.hprof");
    Path log = dir.resolve("child.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UnlockExperimentalVMOptions",
                "-XX:+UseEpsilonGC",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    command.add(dump.toString());
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child finished");
    assertEquals(0, child.exitValue(), Files.readString(log));
    return Files.readAllBytes(dump);
  }

  /** How many times {@code needle} occurs in {@code heap}. */
  public static int count(byte[] heap, byte[] needle) {
    int n = 0;
    outer:
    for (int i = 0; i + needle.length <= heap.length; i++) {
      if (heap[i] != needle[0]) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (heap[i + j] != needle[j]) {
          continue outer;
        }
      }
      n++;
    }
    return n;
  }
}
