package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import io.encryptedfs.EncryptedFileSystems;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Path;

/**
 * The child process of {@link ConcurrentWriterTest}: appends {@code text} to {@code /f} of an
 * encrypted root, prints {@code ready.}, and holds the file open until a line arrives on its
 * standard input; then closes it and prints {@code closed.}.
 *
 * <p>Arguments: root directory, key seed, text.
 */
public final class WriterChild {
  private WriterChild() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(seed))) {
      try (FileChannel f = FileChannel.open(fs.getPath("/f"), CREATE, WRITE, APPEND)) {
        f.write(ByteBuffer.wrap(args[2].getBytes(StandardCharsets.UTF_8)));
        System.out.println("ready.");
        System.out.flush();
        in.readLine();
      }
    }
    System.out.println("closed.");
    System.out.flush();
  }
}
