package io.encryptedfs.nio;

import static io.encryptedfs.nio.CopyDifferentialTest.chmod;
import static io.encryptedfs.nio.CopyDifferentialTest.describe;
import static io.encryptedfs.nio.CopyDifferentialTest.write;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A move from one encrypted root to another behaves as a move across devices on Linux: the entry
 * itself (a link stays a link) with all its attributes, or, where that cannot be, an exception
 * before anything changed.
 */
class MoveAcrossRootsTest {
  @TempDir Path tmp;
  private FileSystem a;
  private FileSystem b;

  @BeforeEach
  void open() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    a = TestRoots.open(tmp.resolve("a"), keys, "AES-256-GCM", 4096);
    b = TestRoots.open(tmp.resolve("b"), keys, "AES-256-GCM", 4096);
  }

  @AfterEach
  void close() throws IOException {
    try {
      a.close();
    } finally {
      b.close();
    }
  }

  private static void move(Path from, Path to, CopyOption... options) throws IOException {
    Files.move(from, to, options);
  }

  @Test
  void anAtomicMoveIsNotSupportedAndChangesNothing() throws IOException {
    Path f = write(a.getPath("/f"), "abc");

    AtomicMoveNotSupportedException e =
        assertThrows(
            AtomicMoveNotSupportedException.class, () -> move(f, b.getPath("/g"), ATOMIC_MOVE));

    assertEquals("/f", e.getFile());
    assertEquals("/g", e.getOtherFile());
    assertEquals("file abc rw-r--r--", describe(f));
    assertFalse(Files.exists(b.getPath("/g")));
  }

  @Test
  void aNonEmptyDirectoryDoesNotMoveAndLeavesNoTarget() throws IOException {
    write(Files.createDirectory(a.getPath("/d")).resolve("x"), "x");

    DirectoryNotEmptyException e =
        assertThrows(
            DirectoryNotEmptyException.class, () -> move(a.getPath("/d"), b.getPath("/d")));

    assertEquals("/d", e.getFile());
    assertTrue(Files.exists(a.getPath("/d/x")));
    assertFalse(Files.exists(b.getPath("/d")));
  }

  /**
   * A non-empty directory moved, not replacing, onto a name that is taken fails as the default file
   * system's move across devices does (here to {@code /dev/shm}, a tmpfs of its own): the name is
   * taken, whatever the source holds.
   */
  @Test
  void aNonEmptyDirectoryOntoATakenNameIsAlreadyThere() throws IOException {
    Path elsewhere = Files.createTempDirectory(Path.of("/dev/shm"), "efs-move-");
    try {
      write(Files.createDirectories(tmp.resolve("plain/d")).resolve("x"), "x");
      write(elsewhere.resolve("d"), "taken");
      write(Files.createDirectory(a.getPath("/d")).resolve("x"), "x");
      write(b.getPath("/d"), "taken");

      Class<?> plain = failure(tmp.resolve("plain/d"), elsewhere.resolve("d"));
      Class<?> encrypted = failure(a.getPath("/d"), b.getPath("/d"));

      assertEquals(FileAlreadyExistsException.class, plain);
      assertEquals(plain, encrypted);
      assertEquals("file taken rw-r--r--", describe(b.getPath("/d")));
      assertTrue(Files.exists(a.getPath("/d/x")));
    } finally {
      Files.delete(elsewhere.resolve("d"));
      Files.delete(elsewhere);
    }
  }

  private static Class<?> failure(Path from, Path to) {
    return assertThrows(IOException.class, () -> move(from, to)).getClass();
  }

  /**
   * A target whose directory is missing, a regular file, or a loop of links fails as the default
   * file system's move across devices does, whose rename fails there first: naming the source and
   * the target, also for an atomic move and a non-empty directory.
   */
  @Test
  void aTargetDirectoryThatCannotBeReachedNamesBothPaths() throws IOException {
    Path elsewhere = Files.createTempDirectory(Path.of("/dev/shm"), "efs-move-");
    try {
      Path plainA = Files.createDirectories(tmp.resolve("plain"));
      assertEquals(failures(plainA, elsewhere), failures(a.getPath("/"), b.getPath("/")));
    } finally {
      Files.delete(elsewhere.resolve("file"));
      Files.delete(elsewhere.resolve("loop"));
      Files.delete(elsewhere);
    }
  }

  private static List<String> failures(Path from, Path to) throws IOException {
    write(from.resolve("f"), "abc");
    write(Files.createDirectory(from.resolve("d")).resolve("x"), "x");
    write(to.resolve("file"), "file");
    Files.createSymbolicLink(to.resolve("loop"), to.getFileSystem().getPath("loop"));
    List<String> seen = new ArrayList<>();
    for (String target : List.of("nodir/g", "file/g", "loop/g")) {
      for (CopyOption[] options : List.of(new CopyOption[0], new CopyOption[] {ATOMIC_MOVE})) {
        for (String source : List.of("f", "d")) {
          FileSystemException e =
              assertThrows(
                  FileSystemException.class,
                  () -> move(from.resolve(source), to.resolve(target), options));
          seen.add(
              e.getClass().getSimpleName()
                  + " "
                  + relative(from, e.getFile())
                  + " "
                  + relative(to, e.getOtherFile()));
        }
      }
    }
    return seen;
  }

  private static String relative(Path dir, String file) {
    return file == null ? null : dir.relativize(dir.getFileSystem().getPath(file)).toString();
  }

  @Test
  void replacingANonEmptyDirectoryNamesTheTarget() throws IOException {
    write(a.getPath("/f"), "abc");
    Files.createDirectories(b.getPath("/d/x"));

    DirectoryNotEmptyException e =
        assertThrows(
            DirectoryNotEmptyException.class,
            () -> move(a.getPath("/f"), b.getPath("/d"), REPLACE_EXISTING));

    assertEquals("/d", e.getFile());
    assertTrue(Files.exists(a.getPath("/f")));
  }

  /**
   * As the default file system's move across devices, which does not heed the thread's interrupt
   * status, and leaves it set.
   */
  @Test
  void aMoveOnAnInterruptedThreadMovesAndKeepsTheInterrupt() throws IOException {
    write(a.getPath("/f"), "abc");
    write(b.getPath("/g"), "old");

    Thread.currentThread().interrupt();
    try {
      move(a.getPath("/f"), b.getPath("/g"), REPLACE_EXISTING);
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }

    assertFalse(Files.exists(a.getPath("/f")));
    assertEquals("file abc rw-r--r--", describe(b.getPath("/g")));
  }

  @Test
  void aFileKeepsItsModeAndTimes() throws IOException {
    Path f = chmod(write(a.getPath("/f"), "abc"), "rw-------");
    FileTime mtime = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(f, mtime);

    move(f, b.getPath("/g"));

    assertFalse(Files.exists(f));
    assertEquals("file abc rw-------", describe(b.getPath("/g")));
    assertEquals(mtime, Files.getLastModifiedTime(b.getPath("/g")));
  }

  @Test
  void anEmptyDirectoryKeepsItsMode() throws IOException {
    Path d = chmod(Files.createDirectory(a.getPath("/d")), "rwx------");

    move(d, b.getPath("/d"));

    assertFalse(Files.exists(d));
    assertEquals("dir rwx------", describe(b.getPath("/d")));
  }

  @Test
  void aLinkMovesAsALinkDanglingOrNot() throws IOException {
    write(a.getPath("/f"), "abc");
    Files.createSymbolicLink(a.getPath("/l"), a.getPath("f"));
    Files.createSymbolicLink(a.getPath("/dangling"), a.getPath("nope"));
    write(b.getPath("/f"), "other root");

    move(a.getPath("/l"), b.getPath("/l"));
    move(a.getPath("/dangling"), b.getPath("/dangling"));

    assertEquals("link to f", describe(b.getPath("/l")));
    assertEquals("other root", Files.readString(b.getPath("/l")));
    assertEquals("link to nope", describe(b.getPath("/dangling")));
    assertFalse(Files.exists(a.getPath("/l"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(a.getPath("/dangling"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("abc", Files.readString(a.getPath("/f")));
  }

  /** See README "Known limits": a link's target must stay inside its root. */
  @Test
  void aLinkWhoseTargetWouldLeaveTheTargetRootIsRefusedNamingIt() throws IOException {
    Files.createDirectory(a.getPath("/d"));
    Files.createSymbolicLink(a.getPath("/d/l"), a.getPath("../f"));

    FileSystemException e =
        assertThrows(FileSystemException.class, () -> move(a.getPath("/d/l"), b.getPath("/l")));

    assertEquals("/l", e.getFile());
    assertTrue(Files.isSymbolicLink(a.getPath("/d/l")));
    assertFalse(Files.exists(b.getPath("/l"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * The refusal comes before the entry the link would replace is deleted: a refused move or copy
   * changes nothing, also with {@code REPLACE_EXISTING}.
   */
  @Test
  void aRefusedLinkLeavesTheEntryItWouldHaveReplaced() throws IOException {
    Files.createDirectory(a.getPath("/d"));
    Files.createSymbolicLink(a.getPath("/d/l"), a.getPath("../f"));
    write(b.getPath("/l"), "kept");
    Files.createDirectory(b.getPath("/d"));
    Files.createSymbolicLink(b.getPath("/d/l"), b.getPath("../f"));
    write(b.getPath("/m"), "kept too");

    FileSystemException moved =
        assertThrows(
            FileSystemException.class,
            () -> move(a.getPath("/d/l"), b.getPath("/l"), REPLACE_EXISTING));
    FileSystemException copied =
        assertThrows(
            FileSystemException.class,
            () ->
                Files.copy(
                    b.getPath("/d/l"),
                    b.getPath("/m"),
                    REPLACE_EXISTING,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS));

    assertEquals("/l -> ../f: link target is outside the root", moved.getMessage());
    assertEquals("/m -> ../f: link target is outside the root", copied.getMessage());
    assertEquals("file kept rw-r--r--", describe(b.getPath("/l")));
    assertEquals("file kept too rw-r--r--", describe(b.getPath("/m")));
    assertTrue(Files.isSymbolicLink(a.getPath("/d/l")));
  }

  @Test
  void optionsAreCheckedAsTheDefaultFileSystemChecksAMovesOptions() throws IOException {
    Path f = write(a.getPath("/f"), "abc");

    assertThrows(
        UnsupportedOperationException.class, () -> move(f, b.getPath("/g"), COPY_ATTRIBUTES));
    assertThrows(NullPointerException.class, () -> move(f, b.getPath("/g"), (CopyOption) null));
    assertTrue(Files.exists(f));
  }
}
