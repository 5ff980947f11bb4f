package io.encryptedfs.durability;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child process of {@link NameChangesKillTest}: until it is killed, step {@code n} replaces
 * {@code /snap} of root A by a new version (written to {@code /snap.tmp}, forced, renamed over it
 * atomically), then writes {@code /mN} in root A, forces it and moves it to root B, and prints
 * {@code ack N.}. It first removes what the step it starts with may have left, as a program
 * resuming would.
 *
 * <p>Arguments: root A, root B, key seed, first step.
 */
public final class NameChangesChild {
  private NameChangesChild() {}

  /** Version {@code n} of {@code /snap}: sizes vary from one byte to about five blocks. */
  static byte[] snapshot(long seed, int n) {
    return bytes(seed * 31 + n, 1 + (n * 7919) % 20_000);
  }

  /** The content of {@code /mN}. */
  static byte[] moved(long seed, int n) {
    return bytes(seed * 37 + n, 1 + (n * 4099) % 15_000);
  }

  private static byte[] bytes(long seed, int size) {
    byte[] b = new byte[size];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  public static void main(String[] args) throws IOException {
    long seed = Long.parseLong(args[2]);
    int first = Integer.parseInt(args[3]);
    PrintStream out = new PrintStream(System.out, false);
    try (FileSystem a =
            EncryptedFileSystems.newFileSystem(Path.of(args[0]), WalAppender.env(seed));
        FileSystem b =
            EncryptedFileSystems.newFileSystem(Path.of(args[1]), WalAppender.env(seed))) {
      Files.deleteIfExists(a.getPath("/snap.tmp"));
      Files.deleteIfExists(a.getPath("/m" + first));
      Files.deleteIfExists(b.getPath("/m" + first));
      out.println("ready.");
      out.flush();
      for (int n = first; n < first + 1_000_000; n++) {
        writeForced(a.getPath("/snap.tmp"), snapshot(seed, n));
        Files.move(a.getPath("/snap.tmp"), a.getPath("/snap"), REPLACE_EXISTING, ATOMIC_MOVE);
        writeForced(a.getPath("/m" + n), moved(seed, n));
        Files.move(a.getPath("/m" + n), b.getPath("/m" + n));
        out.println("ack " + n + ".");
        out.flush();
      }
    }
  }

  private static void writeForced(Path p, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(p, CREATE_NEW, WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }
}
