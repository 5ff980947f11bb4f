package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.READ;

import io.encryptedfs.EncryptedFileSystems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A second program reading the WAL that {@link WalAppender} writes, as a log shipper or a backup
 * does: until {@code stop} appears in the root's parent directory, it reads {@code /wal} to its end
 * and checks that what it read is a prefix of the log (whole records, then at most a prefix of the
 * next). Prints {@code FAIL ...} for any read that throws or returns bytes that are not the log's,
 * and at the end {@code read READS MAX.}, the reads made and the most bytes seen, and {@code
 * done.}.
 *
 * <p>Arguments: root directory, key seed, mode: {@code reopen} (a new channel per read, one file
 * system), {@code fresh} (a new file system per read, as a command-line tool), {@code hold} (one
 * channel kept open, read on from where it was, as {@code tail -f}).
 */
public final class WalFollower {
  private WalFollower() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    String mode = args[2];
    Path stop = root.resolveSibling("stop");
    PrintStream out = new PrintStream(System.out, false);
    byte[] log = expected(seed, 16 << 20);
    int reads = 0;
    long max = 0;
    FileSystem fs = null;
    FileChannel held = null;
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    while (!Files.exists(stop)) {
      try {
        if (fs == null) {
          fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed));
        }
        Path wal = fs.getPath("/wal");
        byte[] seen;
        if (mode.equals("hold")) {
          if (held == null) {
            held = FileChannel.open(wal, READ);
          }
          readOn(held, tail);
          seen = tail.toByteArray();
        } else {
          try (FileChannel channel = FileChannel.open(wal, READ)) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            readOn(channel, all);
            seen = all.toByteArray();
          }
        }
        reads++;
        if (seen.length > log.length || !Arrays.equals(seen, 0, seen.length, log, 0, seen.length)) {
          out.println("FAIL read " + reads + ": " + seen.length + " bytes not the log's");
        }
        max = Math.max(max, seen.length);
      } catch (NoSuchFileException e) {
        Thread.onSpinWait();
      } catch (IOException | RuntimeException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        out.println("FAIL read " + reads + ": " + trace.toString().replace('\n', '|'));
      } finally {
        if (!mode.equals("hold") && !mode.equals("reopen") && fs != null) {
          fs.close();
          fs = null;
        }
      }
      out.flush();
    }
    out.println("read " + reads + " " + max + ".");
    out.println("done.");
    out.flush();
    if (held != null) {
      held.close();
    }
    if (fs != null) {
      fs.close();
    }
  }

  /** Appends to {@code into} what {@code channel} holds from its position to its end. */
  private static void readOn(FileChannel channel, ByteArrayOutputStream into) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (channel.read(buffer) > 0) {
      into.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }
  }

  /** The log's first records, at least {@code bytes} of them. */
  static byte[] expected(long seed, int bytes) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    for (int n = 0; log.size() < bytes; n++) {
      log.writeBytes(WalLog.record(seed, n));
    }
    return log.toByteArray();
  }
}
