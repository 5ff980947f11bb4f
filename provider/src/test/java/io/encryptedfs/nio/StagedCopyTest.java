package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.READ;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Feature;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.CrashImage;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A copy of a regular file, or a move to another root, puts the copy at the target's name only once
 * it is whole: by a rename over a file it replaces, by a hard link where it must not replace, so
 * that a file someone made at that name during the copy stays, or by a rename after a look where
 * the underlying file system has no hard links. No temporary file is left when the copy returns.
 */
class StagedCopyTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void aReplacedFileStaysReadableThroughAChannelOpenOnIt(@TempDir Path tmp) throws IOException {
    try (FileSystem a = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", BLOCK);
        FileSystem b = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(a.getPath("/seg"), "new segment");
      Files.writeString(b.getPath("/seg"), "old");
      try (FileChannel old = FileChannel.open(b.getPath("/seg"), READ)) {
        Files.move(a.getPath("/seg"), b.getPath("/seg"), REPLACE_EXISTING);

        assertEquals("old", read(old));
        assertEquals("new segment", Files.readString(b.getPath("/seg")));
      }
      assertEquals(List.of(), leftovers(tmp.resolve("b")));
      assertEquals(List.of(b.getPath("/seg")), list(b.getPath("/")));
      assertEquals(List.of(), list(a.getPath("/")));
    }
  }

  @Test
  void aFileMadeAtTheTargetDuringTheCopyStaysAndTheMoveFails() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem a = TestRoots.open(faults.root().resolve("a"), keys, "AES-256-GCM", BLOCK);
          FileSystem b = TestRoots.open(faults.root().resolve("b"), keys, "AES-256-GCM", BLOCK)) {
        Files.writeString(a.getPath("/seg"), "moved");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        faults.failWrites(
            p -> {
              if (p.getFileName().toString().startsWith(StagedCopy.PREFIX)) {
                faults.failWrites(q -> false);
                // another thread, as another program would: this one is in the copy's write
                Thread other =
                    new Thread(
                        () -> {
                          try {
                            Files.writeString(b.getPath("/seg"), "theirs");
                          } catch (Throwable e) {
                            failure.set(e);
                          }
                        });
                other.start();
                try {
                  other.join();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return false;
            });

        FileAlreadyExistsException e =
            assertThrows(
                FileAlreadyExistsException.class,
                () -> Files.move(a.getPath("/seg"), b.getPath("/seg")));

        assertEquals(null, failure.get());
        assertEquals("/seg", e.getFile());
        assertEquals("theirs", Files.readString(b.getPath("/seg")));
        assertEquals("moved", Files.readString(a.getPath("/seg")));
        assertEquals(List.of(), leftovers(faults.root().resolve("b")));
      }
    }
  }

  @Test
  void withoutHardLinksTheCopyIsRenamedToItsName() throws IOException {
    Configuration noLinks =
        Configuration.unix().toBuilder()
            .setSupportedFeatures(Feature.SYMBOLIC_LINKS, Feature.FILE_CHANNEL)
            .build();
    try (FileSystem jimfs = Jimfs.newFileSystem(noLinks);
        FileSystem a = TestRoots.open(jimfs.getPath("/a"), keys, "AES-256-GCM", BLOCK);
        FileSystem b = TestRoots.open(jimfs.getPath("/b"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(a.getPath("/seg"), "moved");
      Files.writeString(a.getPath("/other"), "other");
      Files.writeString(b.getPath("/other"), "theirs");

      Files.move(a.getPath("/seg"), b.getPath("/seg"));
      assertThrows(
          FileAlreadyExistsException.class,
          () -> Files.move(a.getPath("/other"), b.getPath("/other")));
      Files.copy(b.getPath("/seg"), b.getPath("/copy"));
      assertThrows(
          FileAlreadyExistsException.class,
          () -> Files.copy(b.getPath("/seg"), b.getPath("/other")));

      assertEquals("moved", Files.readString(b.getPath("/copy")));
      assertEquals("moved", Files.readString(b.getPath("/seg")));
      assertEquals("theirs", Files.readString(b.getPath("/other")));
      assertEquals(List.of(a.getPath("/other")), list(a.getPath("/")));
      assertEquals(List.of(), leftovers(jimfs.getPath("/b")));
    }
  }

  /**
   * {@code Files.copy} is staged as a move's copy is, but not forced: it costs the forces of
   * writing the file anew (its creation's), as a copy on a plain file system costs none of its own.
   * The force the file then owes follows it to its name (a rename, or a link to the table of open
   * files), so that the file system's close forces it there: a power loss after that close finds
   * the whole copy.
   */
  @ParameterizedTest(name = "replacing: {0}")
  @ValueSource(booleans = {false, true})
  void aCopyIsNotForcedAndTheCloseForcesItAtItsName(boolean replacing) throws IOException {
    byte[] content = new byte[3 * BLOCK + 17];
    new Random(5).nextBytes(content);
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      AtomicInteger forces = new AtomicInteger();
      CrashImage image;
      try (FileSystem fs = TestRoots.open(faults.root().resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        Files.write(fs.getPath("/src"), content);
        Files.createDirectory(fs.getPath("/d"));
        if (replacing) {
          Files.write(fs.getPath("/d/copy"), new byte[5]);
        }
        faults.failForces(p -> forces.incrementAndGet() < 0);
        Files.write(fs.getPath("/anew"), content);
        int writing = forces.getAndSet(0);

        if (replacing) {
          Files.copy(fs.getPath("/src"), fs.getPath("/d/copy"), REPLACE_EXISTING);
        } else {
          Files.copy(fs.getPath("/src"), fs.getPath("/d/copy"));
        }

        assertEquals(writing, forces.get(), "forces of the copy, as of writing the file anew");
        faults.failForces(p -> false);
        assertEquals(List.of(), leftovers(faults.root().resolve("r")));
      }
      image = faults.crash(CrashPlan.powerLoss());
      Path restored = image.writeTo(jimfs.getPath("/restored"));
      try (FileSystem fs = TestRoots.open(restored.resolve("r"), keys, "AES-256-GCM", BLOCK)) {
        assertArrayEquals(content, Files.readAllBytes(fs.getPath("/d/copy")));
      }
    }
  }

  /** A copy into a missing directory fails as one made at its name does, and leaves nothing. */
  @Test
  void aCopyIntoAMissingDirectoryFailsAsAtItsNameAndLeavesNothing(@TempDir Path tmp)
      throws IOException {
    try (FileSystem a = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", BLOCK);
        FileSystem b = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(a.getPath("/seg"), "seg");

      NoSuchFileException within =
          assertThrows(
              NoSuchFileException.class,
              () -> Files.copy(a.getPath("/seg"), a.getPath("/nope/seg")));
      NoSuchFileException across =
          assertThrows(
              NoSuchFileException.class,
              () -> Files.copy(a.getPath("/seg"), b.getPath("/nope/seg")));

      assertEquals("/nope/seg", within.getFile());
      assertEquals("/nope/seg", across.getFile());
      assertEquals(List.of(), leftovers(tmp.resolve("a")));
      assertEquals(List.of(), leftovers(tmp.resolve("b")));
    }
  }

  /**
   * A move whose copy is at its name when the force of that name's directory fails: the move fails
   * and the source stays. Replacing, the copy stays at its name too, as the file it replaced is
   * gone (removing the copy would leave neither there); not replacing, the name is free again, as
   * it was. Over the real disk, where a directory can be opened and forced.
   */
  @ParameterizedTest(name = "replacing: {0}")
  @ValueSource(booleans = {false, true})
  void aFailedForceOfTheDirectoryKeepsTheSourceAndNeverEmptiesTheName(
      boolean replacing, @TempDir Path tmp) throws IOException {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(tmp);
    try (FileSystem a = TestRoots.open(faults.root().resolve("a"), keys, "AES-256-GCM", BLOCK);
        FileSystem b = TestRoots.open(faults.root().resolve("b"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(a.getPath("/seg"), "new segment");
      Files.createDirectory(b.getPath("/d"));
      if (replacing) {
        Files.writeString(b.getPath("/d/seg"), "old");
      }
      faults.failForces(p -> p.endsWith("b/d"));

      IOException e =
          assertThrows(
              IOException.class,
              () -> {
                if (replacing) {
                  Files.move(a.getPath("/seg"), b.getPath("/d/seg"), REPLACE_EXISTING);
                } else {
                  Files.move(a.getPath("/seg"), b.getPath("/d/seg"));
                }
              });

      faults.failForces(p -> false);
      assertEquals("new segment", Files.readString(a.getPath("/seg")), "the source");
      if (replacing) {
        assertEquals("new segment", Files.readString(b.getPath("/d/seg")), "the target");
      } else {
        assertFalse(Files.exists(b.getPath("/d/seg")), "the target");
      }
      assertEquals(List.of(), leftovers(tmp.resolve("b")));
      assertTrue(e.getMessage().startsWith("/d/seg: "), e.getMessage());
    }
  }

  /**
   * What a kill leaves (here an empty file: killed in the copy's creation, before its header) is
   * none of the root's files to key rotation: not counted, not rewrapped, not reported damaged.
   */
  @Test
  void aLeftoverIsNoneOfTheRootsFilesToKeyRotation(@TempDir Path tmp) throws IOException {
    try (FileSystem b = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(b.getPath("/seg"), "seg");
      Files.createFile(tmp.resolve("b").resolve(StagedCopy.PREFIX + "0123456789abcdef"));

      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(b, event -> {});

      assertEquals(List.of(), report.failed());
      assertEquals(List.of(), report.damaged());
      assertEquals(List.of(), report.skipped());
      assertEquals(2, report.rewrapped() + report.unchanged()); // the marker and /seg
      assertEquals(
          Map.of("master", List.of("/" + EncryptedFileSystem.MARKER, "/seg")),
          KeyRotation.usage(b));
    }
  }

  /**
   * A file under the reserved prefix that is not named as a copy names its temporary file is none
   * of ours: key rotation walks it as the root's other internal files, and reports it where it is
   * no encrypted file (skipped, so that {@code rewrap} names it). Before, any name starting with
   * the prefix was left out unseen.
   */
  @Test
  void aFileUnderThePrefixNotNamedAsACopyIsReported(@TempDir Path tmp) throws IOException {
    try (FileSystem b = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(b.getPath("/seg"), "seg");
      Files.write(tmp.resolve("b").resolve(StagedCopy.PREFIX + "planted"), new byte[5000]);
      Files.write(tmp.resolve("b").resolve(StagedCopy.PREFIX + "0123456789ABCDEF"), new byte[9]);
      Files.write(tmp.resolve("b").resolve(StagedCopy.PREFIX + "0123456789abcdef0"), new byte[9]);

      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(b, event -> {});

      List<String> reported = report.skipped();
      assertEquals(3, reported.size(), reported.toString());
      for (String name : List.of("planted", "0123456789ABCDEF", "0123456789abcdef0")) {
        assertTrue(
            reported.contains("/" + StagedCopy.PREFIX + name + ": not an encrypted file"),
            reported.toString());
      }
    }
  }

  /**
   * What a kill during a copy left is hidden, but not unknown: the root lists the temporary files
   * of copies by name and size, for a tool to tell the user what takes the room and how to free it.
   * A file under the prefix not named as a copy's is not among them.
   */
  @Test
  void theTemporaryFilesOfCopiesAreListedWithTheirSizes(@TempDir Path tmp) throws IOException {
    try (FileSystem b = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", BLOCK)) {
      Files.writeString(b.getPath("/seg"), "seg");
      assertEquals(Map.of(), KeyRotation.stagedCopies(b));
      String left = StagedCopy.PREFIX + "0123456789abcdef";
      String empty = StagedCopy.PREFIX + "fedcba9876543210";
      Files.copy(tmp.resolve("b").resolve("seg"), tmp.resolve("b").resolve(left));
      Files.createFile(tmp.resolve("b").resolve(empty));
      Files.createFile(tmp.resolve("b").resolve(StagedCopy.PREFIX + "planted"));
      Files.createDirectory(tmp.resolve("b").resolve(StagedCopy.PREFIX + "00000000000000aa"));

      assertEquals(
          Map.of(left, Files.size(tmp.resolve("b").resolve("seg")), empty, 0L),
          KeyRotation.stagedCopies(b));
      assertEquals(List.of(b.getPath("/seg")), list(b.getPath("/")));
    }
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
    ch.read(buf, 0);
    return new String(buf.array(), 0, buf.position(), UTF_8);
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }

  /** The temporary files of moves in the underlying directory of a root. */
  private static List<Path> leftovers(Path rawRoot) throws IOException {
    try (Stream<Path> entries = Files.list(rawRoot)) {
      return entries.filter(p -> p.getFileName().toString().startsWith(StagedCopy.PREFIX)).toList();
    }
  }
}
