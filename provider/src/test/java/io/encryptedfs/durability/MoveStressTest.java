package io.encryptedfs.durability;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A thread writes generation after generation of a file under a new name and moves each over {@code
 * /target} ({@code REPLACE_EXISTING}, sometimes {@code ATOMIC_MOVE}, sometimes while its writing
 * channel is still open), while readers open {@code /target}, read it, keep it open across later
 * moves and read it again, and others read its size and all its bytes.
 *
 * <p>A generation is written whole before it is moved and never written after, so whatever the
 * interleaving, everything read through one open channel, and every {@code readAllBytes}, is one
 * whole generation (the number of records it was written with, each naming it), the same each time
 * the channel reads it again. At the end, and after reopening, the target is the last generation.
 */
class MoveStressTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @CsvSource({
    "disk, write-through, 31",
    "disk, buffered, 32",
    "jimfs, write-through, 33",
    "jimfs, buffered, 34",
  })
  void readersSeeOneWholeGeneration(String where, String mode, long salt) throws Exception {
    long seed = Soak.seed(salt);
    AtomicInteger moved = new AtomicInteger();
    try (StressRoots roots = new StressRoots(where, tmp, mode)) {
      try (FileSystem fs = roots.reopen()) {
        Path target = fs.getPath("/target");
        Files.write(target, generation(0));
        Stress stress = new Stress(seed);
        Random moveRandom = new Random(seed);
        stress.loop(
            "mover",
            () -> {
              int gen = moved.get() + 1;
              Path next = fs.getPath("/next-" + gen);
              // Jimfs refuses an atomic move onto an existing file, as it may.
              boolean atomic = where.equals("disk") && moveRandom.nextBoolean();
              if (moveRandom.nextBoolean()) {
                Files.write(next, generation(gen));
                move(next, target, atomic);
              } else {
                try (FileChannel ch = FileChannel.open(next, CREATE_NEW, WRITE)) {
                  ByteBuffer src = ByteBuffer.wrap(generation(gen));
                  while (src.hasRemaining()) {
                    ch.write(src);
                  }
                  move(next, target, atomic);
                }
              }
              moved.set(gen);
              return true;
            });
        for (int r = 0; r < 2; r++) {
          Random random = new Random(seed + 10 + r);
          stress.loop(
              "reader" + r,
              () -> {
                int before = moved.get();
                try (FileChannel ch = open(target)) {
                  if (ch == null) {
                    return true;
                  }
                  int gen = readWhole(ch, before, "a channel");
                  for (int k = random.nextInt(4); k > 0; k--) {
                    Thread.sleep(random.nextInt(2));
                    assertEquals(gen, readWhole(ch, 0, "the same channel again"));
                  }
                }
                return true;
              });
        }
        stress.loop(
            "whole",
            () -> {
              int before = moved.get();
              try {
                assertTrue(check(Files.readAllBytes(target), "readAllBytes") >= before);
              } catch (NoSuchFileException e) {
                return true; // see open
              }
              long size;
              try {
                size = Files.size(target);
              } catch (NoSuchFileException e) {
                return true;
              }
              assertEquals(0, size % Records.SIZE, "Files.size " + size);
              assertTrue(size > 0, "Files.size " + size);
              return true;
            });
        stress.runFor(1_000);
        assertEquals(moved.get(), check(Files.readAllBytes(target), "at the end, seed " + seed));
      }
      try (FileSystem fs = roots.reopen()) {
        assertArrayEquals(
            generation(moved.get()), Files.readAllBytes(fs.getPath("/target")), "seed " + seed);
        assertEquals(1, Files.list(fs.getPath("/")).count(), "only the target is left");
      }
    }
  }

  /**
   * Opens {@code target} to read; null if it is missing: a move with {@code REPLACE_EXISTING} that
   * is not atomic deletes it before it renames, on the default file system too.
   */
  private static FileChannel open(Path target) throws IOException {
    try {
      return FileChannel.open(target, READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static void move(Path from, Path to, boolean atomic) throws IOException {
    if (atomic) {
      Files.move(from, to, ATOMIC_MOVE);
    } else {
      Files.move(from, to, REPLACE_EXISTING);
    }
  }

  /** Generation {@code gen}: 1 to 50 records (some blocks long, some less than one). */
  private static byte[] generation(int gen) {
    int records = 1 + gen * 7 % 50;
    return Records.run(0, records, 0, gen);
  }

  /**
   * Reads the whole file through {@code ch} in one call; returns its generation, at least {@code
   * min}.
   */
  private static int readWhole(FileChannel ch, int min, String what) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(50 * Records.SIZE + 1);
    int n = ch.read(dst, 0);
    assertTrue(n > 0, what + " read " + n);
    byte[] bytes = Arrays.copyOf(dst.array(), n);
    int gen = check(bytes, what);
    assertTrue(gen >= min, what + " read generation " + gen + " after " + min + " was moved");
    return gen;
  }

  /** Checks that {@code bytes} are one whole generation; returns it. */
  private static int check(byte[] bytes, String what) {
    assertTrue(bytes.length > 0, what + ": empty");
    Records.Found first = Records.read(bytes, 0, 0);
    assertNotNull(first, what + ": a hole");
    assertArrayEquals(generation(first.seq()), bytes, what + ": generation " + first.seq());
    return first.seq();
  }
}
