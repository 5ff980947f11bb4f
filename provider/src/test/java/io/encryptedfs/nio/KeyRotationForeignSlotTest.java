package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.format.HeaderCodec;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A header slot copied from another file authenticates on its own (its MAC key derives from that
 * file's data key and id), so it can be the newest authentic slot of a file it does not belong to.
 * The file's tail records open only under its own slot, which the reader therefore takes: the file
 * reads, and a rewrap writes the file's own header, rewrapped, over both slots. (Before the reader
 * compared file ids, it took the foreign slot, the file did not open, and a rewrap refused it.)
 */
class KeyRotationForeignSlotTest {
  private static final int SLOT = 256;

  @TempDir Path tmp;

  /** The foreign slot is newer by its forced sequence: both files use the same master key. */
  @Test
  void aSlotFromAnotherFileUnderTheSameKeyIsNotWrittenOverTheFilesOwnHeader() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "next");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a"), "alpha");
      try (FileChannel b =
          FileChannel.open(
              fs.getPath("/b"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (int i = 0; i < 6; i++) {
          b.write(ByteBuffer.wrap(new byte[] {(byte) i}));
          b.force(false);
        }
      }
    }
    byte[] foreign = newestSlot(dir.resolve("b"));
    assertNames(foreign, "master");
    assertForeignSlotIsPassedOverAndRewrittenByTheRewrap(dir, keys, foreign);
  }

  /** The foreign slot is newer by its generation: the other file was rewrapped already. */
  @Test
  void aSlotFromAnotherFileAlreadyRewrappedIsNotWrittenOverTheFilesOwnHeader() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master", "next");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/a"), "alpha");
      Files.writeString(fs.getPath("/b"), "beta");
    }
    try (FileSystem fs = open(dir, keys, "next")) {
      KeyRotation.RewrapReport onlyB =
          KeyRotation.rewrapAll(fs, p -> !p.toString().equals("/b"), e -> {});
      assertEquals(1, onlyB.rewrapped(), onlyB.toString());
    }
    byte[] foreign = newestSlot(dir.resolve("b"));
    assertNames(foreign, "next");
    assertForeignSlotIsPassedOverAndRewrittenByTheRewrap(dir, keys, foreign);
  }

  /**
   * Puts {@code foreign} into slot 0 of /a, whose slot 1 stays its own header, and checks that /a
   * reads, that rewrapping the root to "next" rewraps it, and that both its slots are then its own
   * header under "next".
   */
  private void assertForeignSlotIsPassedOverAndRewrittenByTheRewrap(
      Path dir, InMemoryKeys keys, byte[] foreign) throws Exception {
    Path a = dir.resolve("a");
    byte[] own = Arrays.copyOfRange(slots(a), SLOT, 2 * SLOT);
    try (FileChannel raw = FileChannel.open(a, StandardOpenOption.WRITE)) {
      raw.write(ByteBuffer.wrap(foreign), 0);
    }
    try (FileSystem fs = open(dir, keys, "next")) {
      assertEquals("alpha", Files.readString(fs.getPath("/a")));
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
      assertEquals(List.of(), report.failed(), report.toString());
      assertEquals(List.of(), report.damaged(), report.toString());
      assertEquals(List.of(), KeyRotation.users(fs, "master"), KeyRotation.usage(fs).toString());
    }
    byte[] both = slots(a);
    for (int slot = 0; slot < 2; slot++) {
      byte[] header = Arrays.copyOfRange(both, slot * SLOT, (slot + 1) * SLOT);
      assertNames(header, "next");
      assertArrayEquals(
          HeaderCodec.decode(own).fileId(), HeaderCodec.decode(header).fileId(), "slot " + slot);
    }
    try (FileSystem fs = open(dir, keys, "next")) {
      assertEquals("alpha", Files.readString(fs.getPath("/a")));
    }
  }

  private static void assertNames(byte[] slot, String alias) throws Exception {
    assertEquals(alias, HeaderCodec.decode(slot).keyAlias());
  }

  private static FileSystem open(Path dir, InMemoryKeys keys, String alias) throws Exception {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEY_ALIAS, alias);
    return EncryptedFileSystems.newFileSystem(dir, env);
  }

  private static byte[] slots(Path raw) throws Exception {
    return Arrays.copyOf(Files.readAllBytes(raw), 2 * SLOT);
  }

  /** The slot of {@code raw} that a reader takes: the higher generation, then forced sequence. */
  private static byte[] newestSlot(Path raw) throws Exception {
    byte[] both = slots(raw);
    byte[] first = Arrays.copyOf(both, SLOT);
    byte[] second = Arrays.copyOfRange(both, SLOT, 2 * SLOT);
    return HeaderCodec.decode(second).newerThan(HeaderCodec.decode(first)) ? second : first;
  }
}
