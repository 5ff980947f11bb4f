package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Positional writes on a channel opened for appending, beside the default file system: on Linux
 * {@code pwrite(2)} ignores the position of a file opened {@code O_APPEND}, so the JDK's
 * FileChannel appends; writing at the given position instead would overwrite a log's head.
 */
class AppendModeTest {
  /** The same steps on a plain file; returns the content after each. */
  private static List<String> run(Path dir) throws IOException {
    Path file = dir.resolve("log");
    List<String> seen = new ArrayList<>();
    Files.writeString(file, "record1;record2;");
    try (FileChannel ch = FileChannel.open(file, WRITE, APPEND)) {
      assertEquals(4, ch.write(ByteBuffer.wrap("NEW;".getBytes(US_ASCII)), 0));
      seen.add(Files.readString(file) + " @" + ch.position());
      ch.write(ByteBuffer.wrap("FAR;".getBytes(US_ASCII)), 1_000);
      seen.add(Files.readString(file) + " @" + ch.position());
      long moved =
          ch.transferFrom(
              Channels.newChannel(new ByteArrayInputStream("T;".getBytes(US_ASCII))), 3, 2);
      seen.add(Files.readString(file) + " @" + ch.position() + " moved " + moved);
    }
    try (FileChannel ch = FileChannel.open(file, WRITE, APPEND)) {
      ch.write(new ByteBuffer[] {ByteBuffer.wrap("G".getBytes(US_ASCII))}, 0, 1);
      ch.write(ByteBuffer.wrap(";".getBytes(US_ASCII)), 0);
      seen.add(Files.readString(file) + " size " + ch.size());
    }
    return seen;
  }

  @Test
  void positionalWritesAppendAsOnTheDefaultFileSystem(@TempDir Path tmp) throws IOException {
    List<String> encrypted = PlainAndEncrypted.assertSame(tmp, AppendModeTest::run);
    // What Linux does, so the comparison is not between two wrong answers.
    assertEquals("record1;record2;NEW;FAR;T;G; size 28", encrypted.get(3));
  }
}
