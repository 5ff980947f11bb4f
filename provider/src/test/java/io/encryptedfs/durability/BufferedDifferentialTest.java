package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Buffered mode against write-through (README "Buffered mode"): random operations through several
 * channels of one file read the same in both, after every operation, and each leaves the crash
 * images the mode promises.
 */
class BufferedDifferentialTest {
  private static final int BLOCK = BufferedRoots.BLOCK;

  /** The same random operations through several channels in both modes read the same. */
  @Test
  void bothModesReadTheSameAfterEveryOperation() throws IOException {
    for (int seed = 0; seed < 30; seed++) {
      List<String> through = trace("write-through", 60_000, seed);
      assertEquals(through, trace("buffered", 60_000, seed), "seed " + seed);
      // A timer due at once races every operation.
      assertEquals(through, trace("buffered", 1, seed), "seed " + seed + ", 1 ms");
    }
  }

  private List<String> trace(String mode, long bound, int seed) throws IOException {
    try (BufferedRoots roots = new BufferedRoots()) {
      return trace(roots, mode, bound, seed);
    }
  }

  private static List<String> trace(BufferedRoots roots, String mode, long bound, int seed)
      throws IOException {
    List<String> out = new ArrayList<>();
    Random random = new Random(seed);
    try (FileSystem fs = roots.open(mode, bound)) {
      Path f = fs.getPath("/f");
      try (FileChannel a = FileChannel.open(f, CREATE_NEW, READ, WRITE);
          FileChannel b = FileChannel.open(f, WRITE, APPEND);
          FileChannel c = FileChannel.open(f, READ, WRITE);
          FileChannel reader = FileChannel.open(f, READ)) {
        FileChannel[] writers = {a, b, c};
        for (int i = 0; i < 40; i++) {
          FileChannel w = writers[random.nextInt(3)];
          int op = random.nextInt(12);
          long size = reader.size();
          try {
            if (op < 5) {
              byte[] data =
                  BufferedRoots.bytes(
                      random.nextInt(), 1 + random.nextInt(random.nextBoolean() ? 40 : 6000));
              long at = w == b ? 0 : (long) random.nextInt((int) size + 200);
              w.write(ByteBuffer.wrap(data), at);
            } else if (op < 7) {
              w.write(
                  ByteBuffer.wrap(BufferedRoots.bytes(random.nextInt(), 1 + random.nextInt(100))));
            } else if (op == 7) {
              w.truncate(random.nextInt((int) size + 1));
            } else if (op == 8) {
              w.force(random.nextBoolean());
            } else if (op == 9) {
              w.position(random.nextInt((int) size + 50));
            } else if (op == 10) {
              // Another opening replaces the content while the channels keep buffered tails.
              Files.write(f, BufferedRoots.bytes(random.nextInt(), random.nextInt(BLOCK + 500)));
            } else {
              FileChannel holder = random.nextBoolean() ? reader : w;
              holder.lock(0, Long.MAX_VALUE, holder == reader).release();
            }
          } catch (IOException e) {
            out.add(i + ": " + e);
          }
          ByteBuffer all = ByteBuffer.allocate((int) reader.size());
          reader.read(all, 0);
          checkCrashImages(roots, mode, op == 8, all.array(), seed + "/" + i);
          out.add(
              i
                  + ": size "
                  + reader.size()
                  + " files "
                  + Files.size(f)
                  + " pos "
                  + w.position()
                  + " "
                  + Arrays.hashCode(all.array()));
        }
      }
      out.add("closed " + Arrays.hashCode(Files.readAllBytes(f)));
    }
    out.add("power loss " + Arrays.hashCode(roots.afterPowerLoss("/f")));
    return out;
  }

  /**
   * After a force, a power loss keeps everything; in buffered mode a process crash keeps every
   * block before the partial last one and at most that block's bytes; in write-through mode all.
   */
  private static void checkCrashImages(
      BufferedRoots roots, String mode, boolean forced, byte[] view, String where)
      throws IOException {
    if (forced) {
      assertArrayEquals(view, roots.afterPowerLoss("/f"), where + " power loss after a force");
    }
    byte[] image = roots.afterProcessCrash("/f");
    if (mode.equals("write-through")) {
      assertArrayEquals(view, image, where + " process crash");
      return;
    }
    int whole = view.length / BLOCK * BLOCK;
    assertTrue(
        image.length >= whole && image.length <= whole + BLOCK,
        where + ": " + image.length + " of " + view.length);
    assertArrayEquals(
        Arrays.copyOf(view, whole), Arrays.copyOf(image, whole), where + " process crash");
  }
}
