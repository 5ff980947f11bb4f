package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Buffered mode against README's "Buffered mode": what each durability point covers. */
class BufferedPromisesTest {
  private static final int BLOCK = BufferedRoots.BLOCK;
  private BufferedRoots roots;
  private InMemoryKeys keys;
  private FaultInjectingFileSystem faults;

  @BeforeEach
  void setUp() throws IOException {
    roots = new BufferedRoots();
    keys = roots.keys;
    faults = roots.faults;
  }

  @AfterEach
  void tearDown() throws IOException {
    roots.close();
  }

  private static byte[] bytes(int seed, int length) {
    return BufferedRoots.bytes(seed, length);
  }

  private static void write(FileChannel ch, byte[] data, long at) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    while (buffer.hasRemaining()) {
      ch.write(buffer, at + buffer.position());
    }
  }

  /** Model of a positional write. */
  private static byte[] put(byte[] model, byte[] data, long at) {
    byte[] out = Arrays.copyOf(model, Math.max(model.length, (int) at + data.length));
    System.arraycopy(data, 0, out, (int) at, data.length);
    return out;
  }

  /** A forced file of {@code length} bytes at /f, then a channel on it. */
  private FileChannel forcedBase(FileSystem fs, byte[] base) throws IOException {
    FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, READ, WRITE);
    write(ch, base, 0);
    ch.force(false);
    return ch;
  }

  @Test
  void forceCoversBufferedAppendsPositionalWritesAndWritesAcrossBlocks() throws IOException {
    byte[] model = bytes(1, BLOCK + 900);
    try (FileSystem fs = roots.open("buffered", 60_000);
        FileChannel ch = forcedBase(fs, model)) {
      byte[] a = bytes(2, 50);
      write(ch, a, model.length);
      model = put(model, a, model.length);
      byte[] b = bytes(3, 20);
      write(ch, b, BLOCK + 100);
      model = put(model, b, BLOCK + 100);
      ch.force(false);
      assertArrayEquals(model, roots.afterPowerLoss("/f"), "appends and a write inside the tail");
      byte[] c = bytes(4, 2 * BLOCK);
      write(ch, c, BLOCK + 800);
      model = put(model, c, BLOCK + 800);
      byte[] d = bytes(5, 7);
      write(ch, d, model.length);
      model = put(model, d, model.length);
      ch.force(true);
      assertArrayEquals(model, roots.afterPowerLoss("/f"), "a write across blocks, then an append");
    }
  }

  @Test
  void forceCoversATruncateAfterBufferedWrites() throws IOException {
    byte[] model = bytes(1, BLOCK + 900);
    try (FileSystem fs = roots.open("buffered", 60_000);
        FileChannel ch = forcedBase(fs, model)) {
      write(ch, bytes(2, 600), model.length);
      // Shrinks into the block the buffered bytes sit in.
      ch.truncate(BLOCK + 1200);
      model = Arrays.copyOf(put(model, bytes(2, 600), model.length), BLOCK + 1200);
      ch.force(false);
      assertArrayEquals(model, roots.afterPowerLoss("/f"), "truncate inside the tail");
      write(ch, bytes(3, 300), BLOCK + 1300);
      ch.truncate(BLOCK - 10);
      model = Arrays.copyOf(model, BLOCK - 10);
      byte[] e = bytes(4, 40);
      write(ch, e, model.length);
      model = put(model, e, model.length);
      ch.force(false);
      assertArrayEquals(model, roots.afterPowerLoss("/f"), "truncate into the block before");
    }
  }

  @Test
  void aForceThroughOneChannelCoversEveryChannelsBufferedWrites() throws IOException {
    byte[] model = bytes(1, 900);
    try (FileSystem fs = roots.open("buffered", 60_000);
        FileChannel first = forcedBase(fs, model);
        FileChannel second = FileChannel.open(fs.getPath("/f"), WRITE, APPEND);
        FileChannel reader = FileChannel.open(fs.getPath("/f"), READ)) {
      byte[] a = bytes(2, 30);
      write(first, a, 100);
      model = put(model, a, 100);
      byte[] b = bytes(3, 40);
      second.write(ByteBuffer.wrap(b));
      model = put(model, b, model.length);
      reader.force(false);
      assertArrayEquals(model, roots.afterPowerLoss("/f"), "a read-only channel's force");
      byte[] c = bytes(4, 10);
      second.write(ByteBuffer.wrap(c));
      model = put(model, c, model.length);
      first.force(false);
      assertArrayEquals(model, roots.afterPowerLoss("/f"), "another channel's force");
    }
  }

  @Test
  void closingTheFileSystemForcesBufferedTailsOfOpenChannels() throws IOException {
    byte[] model = bytes(1, BLOCK + 10);
    FileSystem fs = roots.open("buffered", 60_000);
    FileChannel ch = forcedBase(fs, model);
    byte[] a = bytes(2, 20);
    write(ch, a, model.length);
    model = put(model, a, model.length);
    fs.close();
    assertFalse(ch.isOpen());
    assertArrayEquals(model, roots.afterPowerLoss("/f"));
  }

  @Test
  void aChannelsCloseHandsTheTailOverWhileAnotherChannelStaysOpen() throws IOException {
    byte[] model = bytes(1, 100);
    try (FileSystem fs = roots.open("buffered", 60_000);
        FileChannel ch = forcedBase(fs, model);
        FileChannel other = FileChannel.open(fs.getPath("/f"), WRITE, APPEND)) {
      byte[] a = bytes(2, 20);
      other.write(ByteBuffer.wrap(a));
      model = put(model, a, model.length);
      other.close();
      assertArrayEquals(model, roots.afterProcessCrash("/f"));
    }
  }

  @Test
  void releasingTheLastLockHandsTheTailOverWhateverChannelHeldIt() throws IOException {
    byte[] model = bytes(1, 100);
    try (FileSystem fs = roots.open("buffered", 60_000);
        FileChannel ch = forcedBase(fs, model);
        FileChannel other = FileChannel.open(fs.getPath("/f"), READ, WRITE)) {
      FileLock lock = other.lock(0, 10, false);
      byte[] a = bytes(2, 20);
      write(ch, a, model.length);
      model = put(model, a, model.length);
      lock.release();
      assertArrayEquals(model, roots.afterProcessCrash("/f"), "an exclusive region lock");
      byte[] b = bytes(3, 20);
      try (FileLock shared = ch.lock(0, Long.MAX_VALUE, true)) {
        write(ch, b, model.length);
        model = put(model, b, model.length);
      }
      assertArrayEquals(model, roots.afterProcessCrash("/f"), "a shared lock");
    }
  }

  @Test
  void theTimerHandsTheTailOverToTheFileItsNameNowReaches() throws Exception {
    byte[] model = bytes(1, 100);
    try (FileSystem fs = roots.open("buffered", 50);
        FileChannel ch = forcedBase(fs, model)) {
      byte[] a = bytes(2, 20);
      write(ch, a, model.length);
      model = put(model, a, model.length);
      Files.move(fs.getPath("/f"), fs.getPath("/g"));
      long deadline = System.nanoTime() + 5_000_000_000L;
      byte[] found = roots.afterProcessCrash("/g");
      while (found != null && found.length < model.length && System.nanoTime() < deadline) {
        Thread.sleep(20);
        found = roots.afterProcessCrash("/g");
      }
      assertArrayEquals(model, found);
      assertEquals(null, roots.afterProcessCrash("/f"));
      assertArrayEquals(model, Files.readAllBytes(fs.getPath("/g")));
      ch.force(false);
      assertArrayEquals(model, roots.afterPowerLoss("/g"));
    }
  }

  @Test
  void copiesLinksAndSizesSeeTheBufferedTail() throws IOException {
    byte[] model = bytes(1, BLOCK + 100);
    try (FileSystem fs = roots.open("buffered", 60_000);
        FileSystem other = open2();
        FileChannel ch = forcedBase(fs, model)) {
      byte[] a = bytes(2, 20);
      write(ch, a, model.length);
      model = put(model, a, model.length);
      assertEquals(model.length, Files.size(fs.getPath("/f")));
      assertEquals(
          model.length, Files.readAttributes(fs.getPath("/f"), BasicFileAttributes.class).size());
      Files.copy(fs.getPath("/f"), fs.getPath("/copy"));
      assertArrayEquals(model, Files.readAllBytes(fs.getPath("/copy")));
      Files.copy(fs.getPath("/f"), other.getPath("/copy"));
      assertArrayEquals(model, Files.readAllBytes(other.getPath("/copy")));
      Files.createLink(fs.getPath("/link"), fs.getPath("/f"));
      assertArrayEquals(model, Files.readAllBytes(fs.getPath("/link")));
      byte[] b = bytes(3, 20);
      write(ch, b, model.length);
      model = put(model, b, model.length);
      assertArrayEquals(model, Files.readAllBytes(fs.getPath("/link")));
      Files.move(fs.getPath("/f"), other.getPath("/moved"));
      assertArrayEquals(model, Files.readAllBytes(other.getPath("/moved")));
    }
  }

  private FileSystem open2() throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, "buffered");
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "60000");
    env.put(EncryptedFileSystems.CREATE, true);
    return EncryptedFileSystems.newFileSystem(faults.root().resolve("other"), env);
  }

  @Test
  void aRewrapWhileATailIsBufferedKeepsItAndForceMakesItDurable() throws IOException {
    keys.add("next").current(() -> Optional.of("master"));
    byte[] model = bytes(1, BLOCK + 100);
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, "buffered");
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "60000");
    // The current key, not a pinned alias, names the key a rewrap moves files to.
    env.remove(EncryptedFileSystems.KEY_ALIAS);
    try (FileSystem fs =
            EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
        FileChannel ch = forcedBase(fs, model)) {
      byte[] a = bytes(2, 20);
      write(ch, a, model.length);
      model = put(model, a, model.length);
      keys.current(() -> Optional.of("next"));
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, event -> {});
      assertEquals(List.of(), report.failed(), report.toString());
      assertTrue(KeyRotation.usage(fs).get("next").contains("/f"), "the file's key");
      assertArrayEquals(model, Files.readAllBytes(fs.getPath("/f")));
      byte[] b = bytes(3, 20);
      write(ch, b, model.length);
      model = put(model, b, model.length);
      ch.force(false);
      assertArrayEquals(model, roots.afterPowerLoss("/f"));
      assertTrue(KeyRotation.usage(fs).get("next").contains("/f"), "the key after the force");
      assertFalse(KeyRotation.usage(fs).containsKey("master"), "no file names the old key");
    }
    // The old key retired (the restore's pinned alias names a fresh key): the forced file opens
    // with the new one alone.
    InMemoryKeys retired = new InMemoryKeys("master").add("next", keys.masterKey("next"));
    assertArrayEquals(model, roots.after(retired, CrashPlan.powerLoss(), "/f"));
  }

  @Test
  void closingTheFileSystemForcesATailAClosedChannelHandedOver() throws IOException {
    byte[] model = bytes(1, BLOCK + 10);
    FileSystem fs = roots.open("buffered", 60_000);
    try (FileChannel ch = forcedBase(fs, model)) {
      byte[] a = bytes(2, 20);
      write(ch, a, model.length);
      model = put(model, a, model.length);
    }
    fs.close();
    assertArrayEquals(model, roots.afterPowerLoss("/f"));
  }

  @Test
  void aFileMovedOverANameWithABufferedTailKeepsItsOwnContent() throws Exception {
    byte[] source = bytes(1, BLOCK + 10);
    byte[] model = bytes(3, 100);
    try (FileSystem fs = roots.open("buffered", 30);
        FileChannel target = FileChannel.open(fs.getPath("/g"), CREATE_NEW, READ, WRITE)) {
      Files.write(fs.getPath("/f"), source);
      write(target, model, 0);
      Files.move(fs.getPath("/f"), fs.getPath("/g"), StandardCopyOption.REPLACE_EXISTING);
      Thread.sleep(300);
      write(target, bytes(4, 10), 100);
      Thread.sleep(300);
      assertArrayEquals(source, Files.readAllBytes(fs.getPath("/g")));
      assertArrayEquals(source, roots.afterProcessCrash("/g"));
      ByteBuffer all = ByteBuffer.allocate(110);
      target.read(all, 0);
      assertArrayEquals(put(model, bytes(4, 10), 100), all.array(), "the replaced file");
    }
    assertArrayEquals(source, roots.afterPowerLoss("/g"));
  }

  @Test
  void aDeletedFilesTailNeverReachesANewFileByItsName() throws Exception {
    byte[] model = bytes(1, 100);
    try (FileSystem fs = roots.open("buffered", 30);
        FileChannel old = FileChannel.open(fs.getPath("/f"), CREATE_NEW, WRITE)) {
      write(old, bytes(2, 50), 0);
      Files.delete(fs.getPath("/f"));
      Files.write(fs.getPath("/f"), model);
      write(old, bytes(3, 500), 50);
      Thread.sleep(300);
      assertArrayEquals(model, Files.readAllBytes(fs.getPath("/f")));
      assertArrayEquals(model, roots.afterProcessCrash("/f"));
    }
    assertArrayEquals(model, roots.afterPowerLoss("/f"));
  }

  /** README: a write waits at most the bound, counted from the first write of a run. */
  @Test
  void aSteadyRunOfSmallWritesStillReachesTheFileWithinTheBound() throws Exception {
    try (FileSystem fs = roots.open("buffered", 50);
        FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, WRITE, APPEND)) {
      long start = System.nanoTime();
      long written = 0;
      long handedOverAt1s = -1;
      while (System.nanoTime() - start < 1_500_000_000L) {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) written}));
        written++;
        if (handedOverAt1s < 0 && System.nanoTime() - start > 1_000_000_000L) {
          handedOverAt1s = roots.afterProcessCrash("/f").length;
        }
        Thread.sleep(5);
      }
      assertTrue(handedOverAt1s > 0, "nothing reached the file in 1 s of writes every 5 ms");
    }
  }

  /**
   * A buffered overwrite inside a forced partial last block, handed over by the channel's close and
   * never forced: every subset of the pages it wrote reads the forced or the new content.
   */
  @Test
  void anUnforcedTailOverwriteNeverCostsTheForcedTail() throws IOException {
    byte[] forced = bytes(1, BLOCK + 900);
    byte[] rewritten = put(forced, bytes(2, 300), BLOCK + 200);
    byte[] longer = put(rewritten, bytes(3, 50), forced.length);
    try (FileSystem fs = roots.open("buffered", 60_000)) {
      try (FileChannel ch = forcedBase(fs, forced)) {
        write(ch, bytes(2, 300), BLOCK + 200);
        write(ch, bytes(3, 50), forced.length);
      }
      try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
        int[] checked = {0};
        restorer.afterEveryPageSubset(
            faults.recording(),
            Restorer.ROOT + "/f",
            (after, plan) -> {
              byte[] found = Files.readAllBytes(after.getPath("/f"));
              assertTrue(
                  Arrays.equals(forced, found)
                      || Arrays.equals(rewritten, found)
                      || Arrays.equals(longer, found),
                  plan + ": " + found.length);
              checked[0]++;
            });
        assertTrue(checked[0] >= 2, "crashes " + checked[0]);
      }
    }
  }
}
