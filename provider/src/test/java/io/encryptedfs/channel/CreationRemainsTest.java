package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.KeyMismatchException;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.FileCut;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A creation writes its front region in two writes: the header slots with the first tail record,
 * then the region's last byte. A process killed between them leaves a raw file cut short, holding
 * the creation's header and first record and no data, which every open refused as truncated, a
 * creating one included, so a program reopening its log with {@code CREATE} after an ordinary kill
 * could not go on. A creating open now makes it a new file, as it does the empty raw file of a
 * creation killed before its first write; anything else cut short is still refused.
 */
class CreationRemainsTest {
  private static final int BLOCK = 4096;
  private static final Geometry GEOMETRY = Geometry.ofBlockSize(BLOCK);

  /** What the creation's first write covers: both header slots and an empty tail record. */
  private static final int FIRST_WRITE =
      Geometry.HEADER_SIZE + Geometry.TAIL_META_SIZE + Geometry.BLOCK_OVERHEAD;

  @TempDir Path tmp;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void theKillLeavesTheFirstWriteOnly() throws Exception {
    Path dir = cutCreation("log", null);
    assertEquals(FIRST_WRITE, Files.size(dir.resolve("log")));
    assertTrue(FIRST_WRITE < GEOMETRY.frontSize());
  }

  @Test
  void aCreatingOpenMakesItANewFile() throws Exception {
    Path dir = cutCreation("snapshot.tmp", null);
    Files.copy(dir.resolve("snapshot.tmp"), dir.resolve("events.log"));
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(fs.getPath("/snapshot.tmp"), "records=120\n");
      try (FileChannel ch = FileChannel.open(fs.getPath("/events.log"), CREATE, WRITE, APPEND)) {
        ch.write(ByteBuffer.wrap("event 1\n".getBytes(StandardCharsets.UTF_8)));
      }
      assertEquals("records=120\n", Files.readString(fs.getPath("/snapshot.tmp")));
      assertEquals("event 1\n", Files.readString(fs.getPath("/events.log")));
    }
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
      assertEquals("records=120\n", Files.readString(fs.getPath("/snapshot.tmp")));
      Files.writeString(fs.getPath("/events.log"), "event 2\n", APPEND);
      assertEquals("event 1\nevent 2\n", Files.readString(fs.getPath("/events.log")));
    }
  }

  @Test
  void theNewFileIsAudited() throws Exception {
    Path dir = cutCreation("events.log", null);
    Path audit = tmp.resolve("audit.log");
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.AUDIT_FILE, audit.toString());
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.writeString(fs.getPath("/events.log"), "event 1\n");
    }
    List<String> events =
        Files.readAllLines(audit).stream()
            .filter(line -> line.contains("CONTENT_AUTHENTICATION_FAILED"))
            .toList();
    assertEquals(1, events.size(), events::toString);
    String event = events.get(0);
    assertTrue(event.contains("\"path\":\"/events.log\""), event);
    assertTrue(event.contains("raw length " + FIRST_WRITE + " < " + GEOMETRY.frontSize()), event);
    assertTrue(event.contains("made it a new, empty file"), event);
  }

  /** A plain file system would show an empty file; these opens report it, as before. */
  @Test
  void otherOpensStillRefuseIt() throws Exception {
    Path dir = cutCreation("log", null);
    byte[] before = Files.readAllBytes(dir.resolve("log"));
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
      Path log = fs.getPath("/log");
      assertTruncated(assertThrows(DamagedFileException.class, () -> Files.readAllBytes(log)));
      assertTruncated(
          assertThrows(DamagedFileException.class, () -> FileChannel.open(log, WRITE).close()));
      assertThrows(
          FileAlreadyExistsException.class, () -> FileChannel.open(log, CREATE_NEW, WRITE).close());
    }
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("log")));
  }

  @Test
  void aHeaderSlotThatFailsAuthenticationIsNotRemade() throws Exception {
    for (int slot = 0; slot < 2; slot++) {
      Path dir = cutCreation("log" + slot, null);
      Path raw = dir.resolve("log" + slot);
      byte[] bytes = Files.readAllBytes(raw);
      bytes[slot * Geometry.HEADER_SLOT_SIZE + Geometry.HEADER_SLOT_SIZE - 1] ^= 1;
      Files.write(raw, bytes);
      assertRefused(dir, "log" + slot, bytes);
    }
  }

  @Test
  void aHeaderOfOtherKeysIsNotRemade() throws Exception {
    Path dir = cutCreation("log", null);
    Path foreign = cutCreation("foreign", null, new InMemoryKeys("master"));
    Files.copy(foreign.resolve("foreign"), dir.resolve("foreign"));
    byte[] before = Files.readAllBytes(dir.resolve("foreign"));
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
      assertThrows(
          KeyMismatchException.class, () -> Files.writeString(fs.getPath("/foreign"), "mine"));
    }
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("foreign")));
  }

  /**
   * A file that was written holds records of later sequences: cut short, with its second record
   * still in reach, it is not what a creation leaves, whatever of it can still be read.
   */
  @Test
  void aFileWithARecordOfDataIsNotRemade() throws Exception {
    Path dir = cutCreation("log", "event 1\n");
    Path raw = dir.resolve("log");
    byte[] whole = Files.readAllBytes(raw);
    assertTrue(whole.length >= GEOMETRY.frontSize(), "the written file is whole");
    byte[] cut = Arrays.copyOf(whole, (int) GEOMETRY.tailSlotOffset(2));
    Files.write(raw, cut);
    assertRefused(dir, "log", cut);
  }

  @Test
  void aCreatorStillAtWorkIsNotOverwritten() throws Exception {
    Path dir = cutCreation("busy", null);
    byte[] before = Files.readAllBytes(dir.resolve("busy"));
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK);
        FileChannel creator = FileChannel.open(dir.resolve("busy"), WRITE);
        FileLock writerLock = creator.lock(0, 1, false)) {
      assertThrows(
          DamagedFileException.class, () -> Files.writeString(fs.getPath("/busy"), "mine"));
    }
    assertArrayEquals(before, Files.readAllBytes(dir.resolve("busy")));
  }

  /**
   * While another program holds the writer lock (a creator at work), the open waits, polling every
   * millisecond; telling the remains of a creation reads and authenticates the header, which it did
   * on every poll though the answer could not be used while the lock was held. Now it looks only
   * once the lock is free: then once to decide and once more under its own writer lock.
   */
  @Test
  void theRemainsAreLookedAtOnlyOnceNoCreatorIsAtWork() throws Exception {
    Path dir = cutCreation("busy", null);
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrapUnrecorded(dir);
    AtomicInteger looks = new AtomicInteger();
    faults.beforeReads(
        path -> {
          if (inCreationRemainsFind()) {
            looks.incrementAndGet();
          }
        });
    AtomicInteger refusals = new AtomicInteger();
    AtomicInteger looksWhileBusy = new AtomicInteger(-1);
    try (FileChannel creator = FileChannel.open(dir.resolve("busy"), WRITE)) {
      FileLock writerLock = creator.lock(0, 1, false);
      faults.afterRefusedLocks(
          path -> {
            if (refusals.incrementAndGet() == 20) {
              looksWhileBusy.set(looks.get());
              try {
                writerLock.release();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
      try (FileSystem fs = TestRoots.open(faults.root(), keys, "AES-256-GCM", BLOCK)) {
        Files.writeString(fs.getPath("/busy"), "mine");
        assertEquals("mine", Files.readString(fs.getPath("/busy")));
      }
    }
    assertEquals(0, looksWhileBusy.get(), "looks at the remains while a creator held the lock");
    assertEquals(2, looks.get(), "looks at the remains in all");
  }

  /** Whether this read is the one {@link CreationRemains#find} makes of the header. */
  private static boolean inCreationRemainsFind() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .filter(f -> f.getClassName().equals(CreationRemains.class.getName()))
                    .findFirst()
                    .map(f -> f.getMethodName().equals("find"))
                    .orElse(false));
  }

  private void assertRefused(Path dir, String name, byte[] raw) throws IOException {
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", BLOCK)) {
      assertThrows(
          DamagedFileException.class, () -> Files.writeString(fs.getPath("/" + name), "mine"));
    }
    assertArrayEquals(raw, Files.readAllBytes(dir.resolve(name)), name + " was changed");
  }

  private static void assertTruncated(DamagedFileException e) {
    assertTrue(e.getMessage().contains("truncated: raw length " + FIRST_WRITE), e.getMessage());
  }

  /**
   * A root on disk holding {@code name} as a process kill leaves it: created on a fault file system
   * (without the creating open's force, so that its writes stay in the unforced log), written
   * {@code content} if not null, closed, then cut to its first write, or whole if it was written.
   */
  private Path cutCreation(String name, String content) throws IOException {
    return cutCreation(name, content, keys);
  }

  private Path cutCreation(String name, String content, InMemoryKeys rootKeys) throws IOException {
    Path restored = tmp.resolve("root-" + name);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/disk")));
      Map<String, Object> env = TestRoots.env(rootKeys, "AES-256-GCM", BLOCK);
      env.put(EncryptedFileSystems.CREATE_SYNC, "false");
      try (FileSystem fs = EncryptedFileSystems.newFileSystem(faults.root().resolve("r"), env)) {
        try (FileChannel ch = FileChannel.open(fs.getPath("/" + name), CREATE_NEW, WRITE)) {
          if (content != null) {
            ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
          }
        }
        FileCut cut = content == null ? FileCut.prefix(1) : FileCut.all();
        faults.crash(CrashPlan.processCrash().with("r/" + name, cut)).writeTo(restored);
      }
    }
    return restored.resolve("r");
  }
}
