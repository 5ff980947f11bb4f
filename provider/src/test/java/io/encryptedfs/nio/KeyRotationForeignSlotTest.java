package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
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
 * A rewrap must not copy it over the file's own header in the other slot.
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
    assertForeignSlotRewrapIsRefused(dir, keys, foreign, "master");
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
    assertForeignSlotRewrapIsRefused(dir, keys, foreign, "master");
  }

  /**
   * Puts {@code foreign} into slot 0 of /a, whose slot 1 stays its own header under {@code ownKey},
   * rewraps the root to "next", and checks that /a is reported failed with both slots left as they
   * were, still counted as a user of its own key, and readable once its own slot is copied back.
   */
  private void assertForeignSlotRewrapIsRefused(
      Path dir, InMemoryKeys keys, byte[] foreign, String ownKey) throws Exception {
    Path a = dir.resolve("a");
    try (FileChannel raw = FileChannel.open(a, StandardOpenOption.WRITE)) {
      raw.write(ByteBuffer.wrap(foreign), 0);
    }
    byte[] before = slots(a);
    try (FileSystem fs = open(dir, keys, "next")) {
      assertThrows(DamagedFileException.class, () -> Files.readString(fs.getPath("/a")));
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
      assertEquals(1, report.failed().size(), report.toString());
      assertTrue(report.failed().get(0).startsWith("/a: "), report.toString());
      assertTrue(report.failed().get(0).contains("another file"), "says why: " + report.failed());
      assertEquals(List.of(), report.damaged(), report.toString());
      assertArrayEquals(before, slots(a), "both slots of /a are left as they were");
      assertTrue(KeyRotation.users(fs, ownKey).contains("/a"), KeyRotation.usage(fs).toString());
    }
    // The file's own slot still opens it: the damage can be repaired by hand.
    try (FileChannel raw = FileChannel.open(a, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      raw.write(ByteBuffer.wrap(Arrays.copyOfRange(before, SLOT, 2 * SLOT)), 0);
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
