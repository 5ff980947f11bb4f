package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.channel.TamperedFiles.Fixture;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alters the raw bytes of a file that a channel has open, then uses the channel. An open file
 * follows other writers, so it looks at its front region again when the raw file's modification
 * time moves, and what it finds there is input like any other: the channel answers from its
 * authentic view or throws {@link DamagedFileException} naming the file (the invariant of {@link
 * TamperTest}). A raw file cut short inside its front region, which is always present in full,
 * threw {@code java.io.EOFException} ("raw file ends 8 bytes early").
 */
class TamperOpenFileTest {
  private final TamperedFiles files = new TamperedFiles();

  @AfterEach
  void closeAll() throws Exception {
    files.close();
  }

  private interface ChannelCall {
    void on(FileChannel channel, Fixture f) throws IOException;
  }

  /** A call made after the cut, on a channel opened with {@code options}. */
  private record Use(String name, ChannelCall call, OpenOption... options) {}

  private static final List<Use> USES =
      List.of(
          new Use("size()", (c, f) -> c.size(), READ),
          new Use(
              "a read at the end",
              (c, f) -> c.read(ByteBuffer.allocate(100), f.content.length - 10),
              READ),
          new Use("force(true)", (c, f) -> c.force(true), READ),
          new Use("a write", (c, f) -> c.write(ByteBuffer.wrap(new byte[] {1}), 5), READ, WRITE));

  @Test
  void aRawFileCutShortUnderAnOpenChannelIsReportedAsDamage() throws IOException {
    cutUnderAnOpenChannel(files.jimfsFixture("AES-256-GCM", 4096, 3 * 4096 + 17));
  }

  @Test
  void aRawFileCutShortUnderAnOpenChannelIsReportedAsDamageOnDisk(@TempDir Path tmp)
      throws IOException {
    cutUnderAnOpenChannel(
        files.fixture(
            tmp.resolve("data"),
            new InMemoryKeys("master"),
            "CHACHA20-POLY1305",
            4096,
            3 * 4096 + 17,
            7));
  }

  /** Each use, after the raw file was cut inside the header and inside each tail slot. */
  private static void cutUnderAnOpenChannel(Fixture f) throws IOException {
    List<String> wrong = new ArrayList<>();
    long[] cuts = {0, 100, 600, f.g.tailSlotOffset(1) + 4, f.g.tailSlotOffset(2) + 4};
    for (long cut : cuts) {
      for (Use use : USES) {
        f.restore();
        String what = use.name() + " after the raw file was cut to " + cut + " bytes under it";
        try (FileChannel channel = FileChannel.open(f.file, use.options())) {
          assertArrayEquals(f.content, readAll(channel, f.content.length), what);
          replaceRaw(f, Arrays.copyOf(f.rawBytes, (int) cut));
          try {
            use.call().on(channel, f);
          } catch (DamagedFileException expected) {
            assertTrue(expected.getMessage().contains("/f.bin"), what + ": " + expected);
          } catch (IOException | RuntimeException e) {
            wrong.add(what + ": " + e);
          }
        } catch (DamagedFileException expected) {
          // from the close's last record
        } catch (IOException | RuntimeException e) {
          wrong.add(what + " (its close): " + e);
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  /**
   * An empty file's reader knows its unwritten tail slots as empty. One is given a sequence number
   * and cut short inside: that is damage too.
   */
  @Test
  void anEmptySlotFilledAndCutShortUnderAReaderIsReportedAsDamage() throws IOException {
    Fixture f = files.jimfsFixture("AES-256-GCM", 4096, 0);
    int empty = -1;
    for (int slot = 0; slot < 3; slot++) {
      if (f.record(slot) == null) {
        empty = slot;
      }
    }
    assertTrue(empty >= 0, "an empty tail slot");
    int at = (int) f.g.tailSlotOffset(empty);
    byte[] bad = Arrays.copyOf(f.rawBytes, at + 100);
    ByteBuffer.wrap(bad).putLong(at, 99);
    try (FileChannel channel = FileChannel.open(f.file, READ)) {
      assertEquals(0, channel.size());
      replaceRaw(f, bad);
      DamagedFileException e = assertThrows(DamagedFileException.class, channel::size);
      assertTrue(e.getMessage().contains("tail slot " + empty), e.getMessage());
    }
  }

  /**
   * Another program removes the raw file's name while a channel reads it: the file lives on, as a
   * plain file does on POSIX, and the channel reads it as before. Its look at the modification time
   * threw {@code NoSuchFileException} naming the underlying path.
   */
  @Test
  void aReaderGoesOnAfterAnotherProgramRemovesTheRawFilesName() throws IOException {
    Fixture f = files.jimfsFixture("AES-256-GCM", 4096, 3 * 4096 + 17);
    try (FileChannel channel = FileChannel.open(f.file, READ)) {
      assertEquals(f.content.length, channel.size());
      Files.delete(f.raw);
      assertEquals(f.content.length, channel.size());
      assertArrayEquals(f.content, readAll(channel, f.content.length));
    }
  }

  /** Another program writes {@code bytes} as the raw file; its modification time moves on. */
  private static void replaceRaw(Fixture f, byte[] bytes) throws IOException {
    Files.write(f.raw, bytes);
    Files.setLastModifiedTime(f.raw, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
  }

  private static byte[] readAll(FileChannel channel, int length) throws IOException {
    ByteBuffer all = ByteBuffer.allocate(length);
    while (all.hasRemaining() && channel.read(all, all.position()) > 0) {
      // until full or at the end
    }
    return all.array();
  }
}
