package io.encryptedfs.channel;

import static io.encryptedfs.channel.RawOpens.CREATE_NEW;
import static io.encryptedfs.channel.RawOpens.READ;
import static io.encryptedfs.channel.RawOpens.READ_WRITE;
import static io.encryptedfs.channel.RawOpens.bytes;
import static io.encryptedfs.channel.RawOpens.concat;
import static io.encryptedfs.channel.RawOpens.create;
import static io.encryptedfs.channel.RawOpens.open;
import static io.encryptedfs.channel.RawOpens.read;
import static io.encryptedfs.channel.RawOpens.readAll;
import static io.encryptedfs.channel.RawOpens.roundTrip;
import static io.encryptedfs.testing.StillWaiting.assertStillWaiting;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.HeldForce;
import io.encryptedfs.testing.InMemoryKeys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Opens run beside each other: a file being loaded (held here inside its first underlying read)
 * keeps no other file from opening, being created or closing, while opens of that same file wait
 * for its load and share it, and a move or a failure during the load is followed. Whatever the
 * interleaving, this program never has two underlying channels open on one file, whose closing
 * would release the locks held through the other.
 */
class OpenConcurrencyTest {
  private final InMemoryKeys keys = new InMemoryKeys("k0", "k1");
  private final OpenFiles files = new OpenFiles(keys, new SecureRandom());
  private final HeldDisk disk = new HeldDisk(4);
  private final ExecutorService pool = disk.pool;
  private final CountDownLatch release = disk.release;
  private final FileSystem jimfs = disk.jimfs;

  /** The fault file system over {@code /db} of {@link #jimfs}, where most tests' files are. */
  private final FaultInjectingFileSystem faults = disk.faults;

  @AfterEach
  void stop() throws IOException {
    disk.close();
  }

  @Test
  void aFileBeingLoadedHoldsUpNoOtherFile() throws Exception {
    Path slow = faults.root().resolve("slow");
    Path other = faults.root().resolve("other");
    byte[] slowBytes = bytes(10_000, 1);
    byte[] otherBytes = bytes(5_000, 2);
    create(files, slow, slowBytes);
    create(files, other, otherBytes);

    CountDownLatch held = holdFirstRead(faults, "slow");
    Future<FileChannel> first = pool.submit(() -> open(files, slow, READ));
    assertTrue(held.await(30, SECONDS));
    Future<FileChannel> second = pool.submit(() -> open(files, slow, READ));

    // All on this thread, with /slow's load held: the registry is not blocked behind it.
    assertArrayEquals(otherBytes, readAll(files, other));
    Path made = faults.root().resolve("made");
    byte[] madeBytes = bytes(7_000, 3);
    create(files, made, madeBytes);
    assertArrayEquals(madeBytes, readAll(files, made));
    // The second open of /slow waits for the first one's load instead of loading it itself.
    assertStillWaiting(first, "the first open of /slow to be held in its load");
    assertStillWaiting(second, "the second open of /slow to wait for the first one's load");

    release.countDown();
    try (FileChannel a = first.get(30, SECONDS);
        FileChannel b = second.get(30, SECONDS)) {
      assertEquals(1, files.openFileCount(), "both channels share one open file");
      assertArrayEquals(slowBytes, read(a));
      assertArrayEquals(slowBytes, read(b));
    }
    assertEquals(0, files.openFileCount());
  }

  @Test
  void aFileBeingCreatedHoldsUpNoOtherFileAndOpensOfItsNameWait() throws Exception {
    Path made = faults.root().resolve("made");
    Path other = faults.root().resolve("other");
    Files.createSymbolicLink(jimfs.getPath("/db/link"), jimfs.getPath("made"));
    Path link = faults.root().resolve("link");

    // Held in the creator's writer lock, taken right after the underlying file is created: the
    // file exists, empty, and is not in the table yet.
    CountDownLatch held = new CountDownLatch(1);
    AtomicBoolean armed = new AtomicBoolean(true);
    faults.afterLocks(path -> HeldForce.holdOnce(path, "made", armed, held, release));
    Future<FileChannel> creating = pool.submit(() -> open(files, made, CREATE_NEW));
    assertTrue(held.await(30, SECONDS));
    Future<FileChannel> sameName =
        pool.submit(
            () ->
                open(
                    files,
                    made,
                    EnumSet.of(
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE)));
    Future<FileChannel> viaLink = pool.submit(() -> open(files, link, READ));

    byte[] otherBytes = bytes(3_000, 7);
    create(files, other, otherBytes);
    assertArrayEquals(otherBytes, readAll(files, other));
    // Neither loads the half-made file (it would be damaged) nor creates another.
    assertStillWaiting(sameName, "an open of the name being created to wait for the creation");
    assertStillWaiting(viaLink, "an open through a link to it to wait for the creation");

    release.countDown();
    byte[] madeBytes = bytes(9_000, 8);
    try (FileChannel a = creating.get(30, SECONDS);
        FileChannel b = sameName.get(30, SECONDS);
        FileChannel c = viaLink.get(30, SECONDS)) {
      a.write(ByteBuffer.wrap(madeBytes), 0);
      assertEquals(1, files.openFileCount(), "all three channels share one open file");
      assertArrayEquals(madeBytes, read(b));
      assertArrayEquals(madeBytes, read(c));
    }
    assertEquals(0, files.openFileCount());
    assertArrayEquals(madeBytes, readAll(files, made));
  }

  /**
   * Inspecting a file no channel has open reads it through an underlying channel of its own, which
   * stays in the table until closed: an open meanwhile waits, rather than open a channel of its own
   * whose locks the inspection's close would release.
   */
  @Test
  void anOpenWaitsForAnInspectionOfTheSameFile() throws Exception {
    Path inspected = faults.root().resolve("inspected");
    byte[] content = bytes(2_000, 9);
    create(files, inspected, content);

    CountDownLatch held = holdFirstRead(faults, "inspected");
    Future<HeaderInspector.Header> inspection =
        pool.submit(() -> files.inspect(inspected, "/inspected", keys));
    assertTrue(held.await(30, SECONDS));
    Future<FileChannel> opening = pool.submit(() -> open(files, inspected, READ_WRITE));
    assertArrayEquals(bytes(100, 10), roundTrip(files, faults.root().resolve("other")));
    assertStillWaiting(opening, "an open of the inspected file to wait for the inspection");
    assertEquals(1, files.openFileCount(), "the inspection's channel, in the table");

    release.countDown();
    assertEquals("k0", inspection.get(30, SECONDS).keyAlias());
    try (FileChannel ch = opening.get(30, SECONDS)) {
      assertEquals(1, files.openFileCount());
      assertArrayEquals(content, read(ch));
    }
    assertEquals(0, files.openFileCount());
  }

  /**
   * A rewrap of a file no channel has open loads it as an open does, outside the registry: other
   * files open meanwhile, while opens of the same file wait for the rewrap and then find the new
   * key.
   */
  @Test
  void aRewrapLoadsItsFileOutsideTheRegistry() throws Exception {
    Path rotated = faults.root().resolve("rotated");
    byte[] content = bytes(5_000, 11);
    create(files, rotated, content);

    CountDownLatch held = holdFirstRead(faults, "rotated");
    Future<OpenFiles.Rewrap> rewrap = pool.submit(() -> files.rewrap(rotated, "/rotated", "k1"));
    assertTrue(held.await(30, SECONDS));
    Future<FileChannel> opening = pool.submit(() -> open(files, rotated, READ));
    // On another thread, so that a registry the rewrap holds fails this test rather than hang it.
    Future<byte[]> other = pool.submit(() -> roundTrip(files, faults.root().resolve("other")));
    assertArrayEquals(bytes(100, 10), other.get(30, SECONDS));
    assertStillWaiting(opening, "an open of the file being rewrapped to wait for the rewrap");
    assertEquals(1, files.openFileCount(), "the rewrap's file, loading in the table");

    release.countDown();
    assertEquals(new OpenFiles.Rewrap(true, null), rewrap.get(30, SECONDS));
    try (FileChannel ch = opening.get(30, SECONDS)) {
      assertArrayEquals(content, read(ch));
    }
    assertEquals(0, files.openFileCount());
    assertEquals("k1", files.inspect(rotated, "/rotated", keys).keyAlias());
  }

  @Test
  void aFileMovedWhileItLoadsIsFoundUnderItsNewName() throws Exception {
    Path slow = faults.root().resolve("slow");
    Path moved = faults.root().resolve("moved");
    byte[] before = bytes(6_000, 4);
    create(files, slow, before);

    CountDownLatch held = holdFirstRead(faults, "slow");
    Future<FileChannel> first = pool.submit(() -> open(files, slow, READ_WRITE));
    assertTrue(held.await(30, SECONDS));
    files.move(slow, moved, "/moved", () -> Files.move(slow, moved));
    release.countDown();

    byte[] appended = bytes(3_000, 5);
    try (FileChannel a = first.get(30, SECONDS)) {
      assertEquals("/moved", ((EncryptedFileChannel) a).file().path());
      a.write(ByteBuffer.wrap(appended), before.length);
      try (FileChannel b = open(files, moved, READ)) {
        assertEquals(1, files.openFileCount(), "the new name reaches the file that loaded");
        assertArrayEquals(concat(before, appended), read(b));
      }
      assertThrows(NoSuchFileException.class, () -> open(files, slow, READ));
    }
    assertEquals(0, files.openFileCount());
    assertArrayEquals(concat(before, appended), readAll(files, moved));
  }

  @Test
  void aLoadThatFailsFailsEveryOpenWaitingForItAndLeavesNothingOpen() throws Exception {
    Path bad = faults.root().resolve("bad");
    Path other = faults.root().resolve("other");
    byte[] otherBytes = bytes(100, 6);
    create(files, other, otherBytes);
    // A front region torn to 10 bytes: the file does not open.
    Files.write(jimfs.getPath("/db/bad"), new byte[10]);
    AtomicInteger damageReports = new AtomicInteger();
    List<byte[]> readByListener = new ArrayList<>();
    files.reportIntegrityTo(
        new IntegrityListener() {
          @Override
          public void keyUnwrapFailed(String path, String alias) {}

          @Override
          public void contentDamaged(String path, long block, String reason) {
            damageReports.incrementAndGet();
            // No load of this thread is in the table when it is told: it may open files.
            try {
              synchronized (readByListener) {
                readByListener.add(readAll(files, other));
              }
            } catch (IOException e) {
              throw new AssertionError(e);
            }
          }
        });

    CountDownLatch held = holdFirstRead(faults, "bad");
    Future<FileChannel> first = pool.submit(() -> open(files, bad, READ));
    assertTrue(held.await(30, SECONDS));
    Future<FileChannel> second = pool.submit(() -> open(files, bad, READ));
    release.countDown();

    for (Future<FileChannel> open : List.of(first, second)) {
      ExecutionException failed =
          assertThrows(ExecutionException.class, () -> open.get(30, SECONDS));
      assertTrue(failed.getCause() instanceof DamagedFileException, failed.getCause()::toString);
      assertTrue(failed.getCause().getMessage().contains("/bad"), failed.getCause()::getMessage);
    }
    assertEquals(2, damageReports.get(), "each open loaded the file, and was told");
    synchronized (readByListener) {
      assertEquals(2, readByListener.size());
      for (byte[] read : readByListener) {
        assertArrayEquals(otherBytes, read);
      }
    }
    assertEquals(0, files.openFileCount());
  }

  /**
   * An open that would create a file, and finds the name taken though nothing opens there (a
   * symbolic link to nothing, which an exclusive create does not follow), takes that for a race
   * with another creator only a few times, then fails.
   */
  @Test
  void aCreateAtADanglingLinkFailsRatherThanRetryingForEver() throws Exception {
    Path root = jimfs.getPath("/db");
    Path dangling = Files.createSymbolicLink(root.resolve("dangling"), jimfs.getPath("nothing"));
    Future<FileChannel> open =
        pool.submit(
            () ->
                open(
                    files,
                    dangling,
                    EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE)));
    ExecutionException failed = assertThrows(ExecutionException.class, () -> open.get(30, SECONDS));
    assertTrue(failed.getCause() instanceof FileSystemException, failed.getCause()::toString);
    assertEquals("/dangling", ((FileSystemException) failed.getCause()).getFile());
    assertEquals(0, files.openFileCount());
  }

  /** Holds the next underlying read of the file named {@code name} until {@link #release}. */
  private CountDownLatch holdFirstRead(FaultInjectingFileSystem faults, String name) {
    CountDownLatch held = new CountDownLatch(1);
    AtomicBoolean armed = new AtomicBoolean(true);
    faults.beforeReads(path -> HeldForce.holdOnce(path, name, armed, held, release));
    return held;
  }
}
