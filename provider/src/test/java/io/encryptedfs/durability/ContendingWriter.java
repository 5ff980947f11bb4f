package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.ConcurrentWriterException;
import io.encryptedfs.EncryptedFileSystems;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * One of two programs writing {@code /shared} of one root at once. Writes {@code count} records of
 * {@link #SIZE} bytes tagged with its id, each retried after a pause while another program's writer
 * lock refuses it ({@link ConcurrentWriterException}), and prints {@code ack N.} once record {@code
 * N} is written, {@code refused REFUSALS.} and {@code done.} at the end. Both begin once {@code go}
 * appears beside the root.
 *
 * <p>Arguments: root directory, key seed, id (0 or 1), how ({@code keep}: one channel for every
 * record; {@code each}: a channel per record; {@code locked}: one channel, an exclusive {@code
 * FileLock} around each record), where ({@code append}, or {@code positional}: record {@code N} of
 * id {@code i} at slot {@code 2N + i}), count.
 */
public final class ContendingWriter {
  static final int SIZE = 64;

  private ContendingWriter() {}

  /** Record {@code n} of writer {@code id}: id, n, payload, crc32 of what precedes it. */
  static byte[] record(long seed, int id, int n) {
    SplittableRandom random = new SplittableRandom(seed * 31 + id * 1_000_003L + n);
    ByteBuffer b = ByteBuffer.allocate(SIZE).putInt(id).putInt(n);
    while (b.position() < SIZE - 4) {
      b.put((byte) random.nextInt(256));
    }
    CRC32 crc = new CRC32();
    crc.update(b.array(), 0, SIZE - 4);
    return b.putInt((int) crc.getValue()).array();
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int id = Integer.parseInt(args[2]);
    String how = args[3];
    boolean append = args[4].equals("append");
    int count = Integer.parseInt(args[5]);
    PrintStream out = new PrintStream(System.out, false);
    OpenOption[] options =
        append ? new OpenOption[] {CREATE, WRITE, APPEND} : new OpenOption[] {CREATE, READ, WRITE};
    int refusals = 0;
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed))) {
      Path file = fs.getPath("/shared");
      FileChannel kept = how.equals("each") ? null : FileChannel.open(file, options);
      out.println("ready.");
      out.flush();
      // Both programs begin at once, so that one meets the other's writer lock.
      while (!Files.exists(root.resolveSibling("go"))) {
        Thread.sleep(1);
      }
      for (int n = 0; n < count; n++) {
        ByteBuffer src = ByteBuffer.wrap(record(seed, id, n));
        long at = (2L * n + id) * SIZE;
        while (true) {
          FileChannel channel = kept != null ? kept : FileChannel.open(file, options);
          try {
            FileLock lock = how.equals("locked") ? channel.lock() : null;
            try {
              int wrote = append ? channel.write(src) : channel.write(src, at);
              if (wrote != SIZE) {
                throw new IllegalStateException("short write " + wrote);
              }
            } finally {
              if (lock != null) {
                lock.release();
              }
            }
            break;
          } catch (ConcurrentWriterException e) {
            if (src.position() != 0) {
              throw new IllegalStateException("refused after writing part", e);
            }
            refusals++;
            Thread.sleep(2);
          } finally {
            if (kept == null) {
              channel.close();
            }
          }
        }
        out.println("ack " + n + ".");
        out.flush();
      }
      if (kept != null) {
        kept.close();
      }
    }
    out.println("refused " + refusals + ".");
    out.println("done.");
    out.flush();
  }
}
