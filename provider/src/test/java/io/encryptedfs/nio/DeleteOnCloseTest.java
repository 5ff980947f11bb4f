package io.encryptedfs.nio;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DELETE_ON_CLOSE} beside the default file system, which on POSIX removes the name as the
 * file opens: a file created at that name while the channel is open must survive its close.
 */
class DeleteOnCloseTest {
  /** The same steps in {@code dir}; what each step saw. */
  private static List<String> run(Path dir) throws IOException {
    List<String> seen = new ArrayList<>();
    Path doc = dir.resolve("doc");
    try (FileChannel ch = FileChannel.open(doc, CREATE_NEW, READ, WRITE, DELETE_ON_CLOSE)) {
      ch.write(ByteBuffer.wrap("scratch".getBytes(StandardCharsets.US_ASCII)));
      seen.add("exists while open: " + Files.exists(doc));
      seen.add("listed: " + list(dir));
      try {
        Files.move(doc, dir.resolve("doc-renamed"));
        seen.add("moved");
      } catch (IOException e) {
        seen.add("move: " + e.getClass().getSimpleName());
      }
      Files.writeString(doc, "someone else's file");
      ByteBuffer back = ByteBuffer.allocate(7);
      ch.read(back, 0);
      seen.add("channel reads: " + new String(back.array(), StandardCharsets.US_ASCII));
    }
    seen.add("after close: " + list(dir) + " " + Files.readString(doc));
    return seen;
  }

  private static List<String> list(Path dir) throws IOException {
    try (var names = Files.list(dir)) {
      return names.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theNameGoesAtOpenSoALaterFileThereSurvivesTheClose(@TempDir Path tmp) throws IOException {
    List<String> encrypted = PlainAndEncrypted.assertSame(tmp, DeleteOnCloseTest::run);
    assertEquals("after close: [doc] someone else's file", encrypted.get(4));
  }
}
