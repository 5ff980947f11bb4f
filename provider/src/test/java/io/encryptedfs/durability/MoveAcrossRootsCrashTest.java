package io.encryptedfs.durability;

import static io.encryptedfs.durability.FaultRoots.content;
import static io.encryptedfs.durability.FaultRoots.writeForced;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A move to another encrypted root is a copy and then a delete of the source. The source's forced
 * bytes must not depend on a force nobody made: the copy is forced before the source goes, so a
 * power loss right after the move, with both file systems still open, finds every byte at the
 * target. (The fault model makes the delete durable at once, as a journaling file system makes it
 * durable after the copy's creation, so an unforced copy would be lost with nothing left.)
 */
class MoveAcrossRootsCrashTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @ParameterizedTest
  @ValueSource(strings = {"true", "false"})
  void aPowerLossRightAfterTheMoveFindsTheWholeFileAtTheTarget(String createSync)
      throws IOException {
    byte[] forced = content(1, 3 * BLOCK + 123);
    byte[] replaced = content(2, 700);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem from = root(faults, "a", createSync);
          FileSystem to = root(faults, "b", createSync)) {
        writeForced(from.getPath("/wal"), forced);
        writeForced(to.getPath("/old"), replaced);
        writeForced(from.getPath("/new"), forced);
        Files.createDirectory(to.getPath("/d"));

        Files.move(from.getPath("/wal"), to.getPath("/d/wal"));
        Files.move(from.getPath("/new"), to.getPath("/old"), REPLACE_EXISTING);

        Path image = jimfs.getPath("/image");
        faults.recording().crash(CrashPlan.powerLoss()).writeTo(image);
        try (FileSystem a = TestRoots.open(image.resolve("a"), keys, "AES-256-GCM", BLOCK);
            FileSystem b = TestRoots.open(image.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
          assertFalse(Files.exists(a.getPath("/wal")));
          assertFalse(Files.exists(a.getPath("/new")));
          assertArrayEquals(forced, Files.readAllBytes(b.getPath("/d/wal")), "/d/wal");
          assertArrayEquals(forced, Files.readAllBytes(b.getPath("/old")), "/old");
        }
      }
    }
  }

  /** A file still open for writing in its root moves with what was written through it. */
  @Test
  void aFileOpenForWritingMovesWithEveryByteWrittenBeforeTheMove() throws IOException {
    byte[] written = content(3, 2 * BLOCK + 9);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem from = root(faults, "a", "true");
          FileSystem to = root(faults, "b", "true");
          FileChannel ch = FileChannel.open(from.getPath("/log"), CREATE_NEW, WRITE)) {
        ch.write(ByteBuffer.wrap(written));
        ch.force(true);
        Files.move(from.getPath("/log"), to.getPath("/log"));

        Path image = jimfs.getPath("/image");
        faults.recording().crash(CrashPlan.powerLoss()).writeTo(image);
        try (FileSystem b = TestRoots.open(image.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
          assertArrayEquals(written, Files.readAllBytes(b.getPath("/log")));
        }
      }
    }
  }

  /**
   * Another thread opens the target while the move writes the copy (a consumer that opens files as
   * they appear): it finds nothing there, as the copy is written under a name the root hides and
   * put at its name only once whole and forced; a power loss right after the move finds it whole.
   * Before, the copy was written at its name, where such a reader found a shorter file.
   */
  @Test
  void aCopyIsNotAtItsNameWhileItIsWritten() throws Exception {
    byte[] forced = content(6, 4 * BLOCK + 17);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem from = root(faults, "a", "true");
          FileSystem to = root(faults, "b", "true")) {
        writeForced(from.getPath("/wal"), forced);
        Reader reader =
            openWhileCopying(faults, MoveAcrossRootsCrashTest::staged, to.getPath("/wal"));
        assertTimeoutPreemptively(
            Duration.ofSeconds(20), () -> Files.move(from.getPath("/wal"), to.getPath("/wal")));
        faults.failWrites(p -> false);
        assertTrue(reader.failure().get() instanceof NoSuchFileException, reader.toString());
        assertEquals(List.of(), stagedIn(faults.root().resolve("b")), "temporary files left");
        Path image = jimfs.getPath("/image");
        faults.recording().crash(CrashPlan.powerLoss()).writeTo(image);
        try (FileSystem b = TestRoots.open(image.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
          assertArrayEquals(forced, Files.readAllBytes(b.getPath("/wal")));
        }
      }
    }
  }

  /**
   * A move into a root from another file system is the JDK's copy with the times, then a delete:
   * setting the times settles the copy (forces it) first, so the source is deleted only once the
   * copy is durable.
   */
  @Test
  void aMoveInFromAnotherFileSystemIsDurableBeforeTheSourceGoes() throws IOException {
    byte[] bytes = content(5, 2 * BLOCK + 33);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem plain = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      Path source = Files.write(plain.getPath("/wal"), bytes);
      try (FileSystem to = root(faults, "b", "true")) {
        Files.move(source, to.getPath("/wal"));
        assertFalse(Files.exists(source));

        Path image = jimfs.getPath("/image");
        faults.recording().crash(CrashPlan.powerLoss()).writeTo(image);
        try (FileSystem b = TestRoots.open(image.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
          assertArrayEquals(bytes, Files.readAllBytes(b.getPath("/wal")));
        }
      }
    }
  }

  /**
   * As {@link #aCopyOpenedByAnotherThreadDuringTheMoveIsForcedAllTheSame}, for a move in from
   * another file system: the copy is still open when the times are set, and is forced then all the
   * same, through the open file, before the JDK deletes the source; the times set are kept.
   */
  @Test
  void aMoveInWhoseCopyAnotherThreadOpenedIsDurableBeforeTheSourceGoes() throws Exception {
    byte[] bytes = content(7, 4 * BLOCK + 17);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
        FileSystem plain = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      Path source = Files.write(plain.getPath("/wal"), bytes);
      FileTime modified = FileTime.fromMillis(1_600_000_000_000L);
      Files.setLastModifiedTime(source, modified);
      try (FileSystem to = root(faults, "b", "true")) {
        Path copy = to.getPath("/wal");
        Reader reader = openWhileCopying(faults, p -> p.toString().endsWith("/b" + copy), copy);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Files.move(source, copy));
        faults.failWrites(p -> false);
        assertFalse(Files.exists(source));
        try (FileChannel opened = reader.opened()) {
          assertEquals(bytes.length, opened.size());
          assertEquals(modified, Files.getLastModifiedTime(to.getPath("/wal")));
          Path image = jimfs.getPath("/image");
          faults.recording().crash(CrashPlan.powerLoss()).writeTo(image);
          try (FileSystem b = TestRoots.open(image.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
            assertArrayEquals(bytes, Files.readAllBytes(b.getPath("/wal")));
          }
        }
      }
    }
  }

  /** If that force fails, the move fails before the source goes, and leaves no copy. */
  @Test
  void aMoveWhoseForceFailsKeepsTheSourceAndLeavesNoCopy() throws IOException {
    byte[] forced = content(4, BLOCK + 1);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      FileSystem from = root(faults, "a", "true");
      FileSystem to = root(faults, "b", "true");
      writeForced(from.getPath("/wal"), forced);
      faults.failForces(MoveAcrossRootsCrashTest::staged);
      SyncFailedException failed =
          assertThrows(
              SyncFailedException.class,
              () -> Files.move(from.getPath("/wal"), to.getPath("/wal")));
      assertTrue(failed.getMessage().startsWith("/wal"), failed.getMessage());
      assertFalse(Files.exists(to.getPath("/wal")));
      assertEquals(List.of(), stagedIn(faults.root().resolve("b")), "temporary files left");
      assertArrayEquals(forced, Files.readAllBytes(from.getPath("/wal")));
      faults.failForces(p -> false);
      from.close();
      to.close();
    }
  }

  /** Whether {@code raw} is the temporary file a move to another root writes its copy to. */
  private static boolean staged(Path raw) {
    return raw.getFileName() != null
        && raw.getFileName().toString().startsWith(".encryptedfs-move-");
  }

  /** The temporary files of moves in the raw root {@code root}. */
  private static List<Path> stagedIn(Path root) throws IOException {
    try (Stream<Path> entries = Files.list(root)) {
      return entries.filter(MoveAcrossRootsCrashTest::staged).toList();
    }
  }

  /**
   * Has another thread open {@code copy} for reading while the underlying file that {@code written}
   * matches is written, as a consumer that opens files as they appear does. The channel is there
   * once the move returned, or why the open failed.
   */
  private static Reader openWhileCopying(
      FaultInjectingFileSystem faults, Predicate<Path> written, Path copy) {
    AtomicInteger writes = new AtomicInteger();
    AtomicReference<FileChannel> reader = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    faults.failWrites(
        p -> {
          // the creation's writes are done by the copy's second block: the file opens
          if (written.test(p) && writes.incrementAndGet() == 4) {
            Thread opener =
                new Thread(
                    () -> {
                      try {
                        reader.set(FileChannel.open(copy, READ));
                      } catch (Throwable e) {
                        failure.set(e);
                      }
                    });
            opener.start();
            try {
              opener.join();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return false;
        });
    return new Reader(reader, failure);
  }

  /** The channel {@link #openWhileCopying} opens, or why it could not. */
  private record Reader(AtomicReference<FileChannel> channel, AtomicReference<Throwable> failure) {
    FileChannel opened() {
      assertEquals(null, failure.get());
      assertNotNull(channel.get(), "the copy was not opened while it was written");
      return channel.get();
    }
  }

  private FileSystem root(FaultInjectingFileSystem faults, String dir, String createSync)
      throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.CREATE_SYNC, createSync);
    return EncryptedFileSystems.newFileSystem(faults.root().resolve(dir), env);
  }
}
