package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader in one program holding a log open while another program ({@link LogChangerChild})
 * rotates it (rename, then a new file by the old name) or truncates it: the reader's channel keeps
 * reading the file it opened, whole, as on a plain file, and never meets damage or wrong bytes.
 */
class ReaderAcrossChangesTest {
  private static final long SEED = 5;
  private static final int LINES = 300;

  @Test
  void aHeldChannelReadsTheRotatedFileWhole(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("enc");
    EncryptedFileSystems.newFileSystem(root, WalAppender.env(SEED)).close();
    int rounds = 12;
    ChildLines child = start(root, "rotate", rounds);
    int followed = 0;
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(SEED))) {
      assertTrue(child.await("ready.", 30_000));
      while (!child.lines().contains("done.")) {
        assertTrue(child.isAlive() || child.lines().contains("done."), "the writer died");
        FileChannel channel;
        try {
          channel = FileChannel.open(fs.getPath("/app.log"), READ);
        } catch (NoSuchFileException e) {
          continue;
        }
        try (channel) {
          long generation = -1;
          while (true) {
            assertTrue(child.isAlive() || child.lines().contains("done."), "the writer died");
            byte[] seen = readAll(channel);
            long g = check(seen, true);
            generation = g >= 0 ? g : generation;
            if (generation >= 0 && child.lines().stream().anyMatch(roundEnded(generation))) {
              assertEquals(LINES * LogChangerChild.LINE, readAll(channel).length, "" + generation);
              followed++;
              break;
            }
            if (generation < 0 && child.lines().contains("done.")) {
              break;
            }
          }
        }
      }
      for (int g = 0; g < rounds; g++) {
        byte[] old = Files.readAllBytes(fs.getPath("/app.log." + g));
        assertEquals(LINES * LogChangerChild.LINE, old.length);
        assertEquals(g, check(old, true));
      }
    }
    child.kill();
    System.out.println("ROTATE followed " + followed + " of " + rounds);
    assertTrue(followed > 0);
  }

  @Test
  void aHeldChannelReadsAcrossTruncations(@TempDir Path dir) throws Exception {
    Path root = dir.resolve("enc");
    EncryptedFileSystems.newFileSystem(root, WalAppender.env(SEED)).close();
    ChildLines child = start(root, "truncate", 60);
    int reads = 0;
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(root, WalAppender.env(SEED))) {
      assertTrue(child.await("ready.", 30_000));
      try (FileChannel channel = FileChannel.open(fs.getPath("/app.log"), READ)) {
        while (!child.lines().contains("done.")) {
          assertTrue(child.isAlive() || child.lines().contains("done."), "the writer died");
          check(readAll(channel), false);
          reads++;
        }
        check(readAll(channel), false);
      }
    }
    child.kill();
    System.out.println("TRUNCATE reads " + reads);
  }

  private static Predicate<String> roundEnded(long generation) {
    return line -> line.startsWith("round " + generation + " ");
  }

  /** Checks every line; with {@code oneFile}, that they are lines 0.. of one generation. */
  private static long check(byte[] seen, boolean oneFile) {
    assertEquals(0, seen.length % LogChangerChild.LINE, "length " + seen.length);
    long generation = -1;
    for (int at = 0; at < seen.length; at += LogChangerChild.LINE) {
      long g = LogChangerChild.generationOf(seen, at);
      assertTrue(g >= 0, "bad line at " + at + ": " + new String(seen, at, 32));
      if (oneFile) {
        if (generation < 0) {
          generation = g;
        }
        assertEquals(generation, g, "at " + at);
        assertEquals(
            new String(LogChangerChild.line(g, at / LogChangerChild.LINE)),
            new String(seen, at, LogChangerChild.LINE));
      }
    }
    return generation;
  }

  private static byte[] readAll(FileChannel channel) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    long position = 0;
    for (int n; (n = channel.read(buffer, position)) > 0; position += n) {
      all.write(buffer.array(), 0, n);
      buffer.clear();
    }
    return all.toByteArray();
  }

  private static ChildLines start(Path root, String how, int rounds) throws IOException {
    return ChildLines.start(
        LogChangerChild.class, root.toString(), "" + SEED, how, "" + rounds, "" + LINES);
  }
}
