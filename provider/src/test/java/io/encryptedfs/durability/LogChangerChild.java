package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.EncryptedFileSystems;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A program that changes a log under another program's reader. {@code rotate}: writes {@code
 * /app.log}, closes it, renames it {@code /app.log.G} and starts a new one, {@code rounds} times.
 * {@code truncate}: keeps {@code /app.log} open, appends, then cuts it back to a random line (or to
 * nothing), {@code rounds} times. Lines are {@link #LINE} bytes, {@code generation index check},
 * and each round prints {@code round G LINES.} once its lines are down (and renamed or cut).
 *
 * <p>Arguments: root directory, key seed, {@code rotate} or {@code truncate}, rounds, lines per
 * round.
 */
public final class LogChangerChild {
  static final int LINE = 32;

  private LogChangerChild() {}

  static byte[] line(long generation, long index) {
    long check = Math.floorMod(generation * 1_000_003L + index * 7_919L + 17, 100_000_000_000L);
    return String.format("%09d %09d %011d\n", generation, index, check).getBytes(US_ASCII);
  }

  /**
   * Whether {@code bytes} at {@code at} hold a whole, correct line; its generation if so, or -1.
   */
  static long generationOf(byte[] bytes, int at) {
    String text = new String(bytes, at, LINE, US_ASCII);
    try {
      long generation = Long.parseLong(text.substring(0, 9));
      long index = Long.parseLong(text.substring(10, 19));
      return Arrays.equals(line(generation, index), 0, LINE, bytes, at, at + LINE)
          ? generation
          : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    boolean rotate = args[2].equals("rotate");
    int rounds = Integer.parseInt(args[3]);
    int lines = Integer.parseInt(args[4]);
    PrintStream out = new PrintStream(System.out, false);
    SplittableRandom random = new SplittableRandom(seed);
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed))) {
      Path log = fs.getPath("/app.log");
      FileChannel kept = rotate ? null : FileChannel.open(log, CREATE, WRITE, APPEND);
      out.println("ready.");
      out.flush();
      for (int g = 0; g < rounds; g++) {
        FileChannel channel = kept != null ? kept : FileChannel.open(log, CREATE, WRITE, APPEND);
        for (int i = 0; i < lines; i++) {
          channel.write(ByteBuffer.wrap(line(g, i)));
          if (i % 50 == 0) {
            Thread.sleep(1);
          }
        }
        long left;
        if (rotate) {
          channel.close();
          Files.move(log, fs.getPath("/app.log." + g));
          left = lines;
        } else {
          left = random.nextInt(4) == 0 ? 0 : random.nextInt(lines);
          channel.truncate(left * LINE);
          if (g % 3 == 0) {
            channel.force(false);
          }
        }
        out.println("round " + g + " " + left + ".");
        out.flush();
      }
      if (kept != null) {
        kept.close();
      }
    }
    out.println("done.");
    out.flush();
  }
}
