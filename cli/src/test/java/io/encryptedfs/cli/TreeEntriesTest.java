package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.encryptedfs.DamagedFileException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which failures of the walk are one entry's, reported while the walk goes on, and which end it.
 * The walk hands each failure to {@code visitFileFailed}, called here with the failures a user's
 * tree gives: this suite runs as root, whom a directory's permissions never refuse.
 */
class TreeEntriesTest {
  @TempDir Path tmp;

  /**
   * A directory the user may not read, and a file removed since its directory was listed, are
   * entries with the reason, as a damaged encrypted file is: before, either ended the whole encrypt
   * or decrypt with exit 4 and nothing after it copied.
   */
  @Test
  void anEntryThatFailsIsReportedAndTheWalkGoesOn() throws IOException {
    TreeEntries.Collector walk = new TreeEntries.Collector(tmp, Set.of());
    Path dir = tmp.resolve("private");
    Path gone = tmp.resolve("gone.txt");
    Path damaged = tmp.resolve("damaged.txt");
    List<IOException> failures =
        List.of(
            new AccessDeniedException(dir.toString()),
            new NoSuchFileException(gone.toString()),
            new DamagedFileException(damaged.toString(), -1, "no authentic tail record"));
    List<Path> paths = List.of(dir, gone, damaged);
    for (int i = 0; i < paths.size(); i++) {
      assertEquals(FileVisitResult.CONTINUE, walk.visitFileFailed(paths.get(i), failures.get(i)));
    }
    assertEquals(3, walk.entries.size());
    for (int i = 0; i < paths.size(); i++) {
      TreeEntries.Entry entry = walk.entries.get(i);
      assertEquals(paths.get(i), entry.path());
      assertEquals(TreeEntries.Kind.OTHER, entry.kind());
      assertSame(failures.get(i), entry.unreadable());
    }
  }

  @Test
  void theTopFailingOrAnErrorOfTheDiskEndsTheWalk() {
    TreeEntries.Collector walk = new TreeEntries.Collector(tmp, Set.of());
    AccessDeniedException top = new AccessDeniedException(tmp.toString());
    assertSame(top, assertThrows(IOException.class, () -> walk.visitFileFailed(tmp, top)));
    FileSystemException disk =
        new FileSystemException(tmp.resolve("a").toString(), null, "Input/output error");
    assertSame(
        disk, assertThrows(IOException.class, () -> walk.visitFileFailed(tmp.resolve("a"), disk)));
    assertEquals(List.of(), walk.entries);
  }

  @Test
  void aWalkListsEntriesSortedWithoutWhatItLeavesOut() throws IOException {
    Files.createDirectories(tmp.resolve("b/inner"));
    Files.createDirectories(tmp.resolve("skip/x"));
    Files.writeString(tmp.resolve("b/inner/f"), "f");
    Files.writeString(tmp.resolve("a"), "a");
    List<TreeEntries.Entry> entries = TreeEntries.of(tmp, List.of(tmp.resolve("skip").toString()));
    assertEquals(
        List.of(
            tmp.resolve("a"), tmp.resolve("b"), tmp.resolve("b/inner"), tmp.resolve("b/inner/f")),
        entries.stream().map(TreeEntries.Entry::path).toList());
    assertEquals(
        List.of(
            TreeEntries.Kind.REGULAR,
            TreeEntries.Kind.DIRECTORY,
            TreeEntries.Kind.DIRECTORY,
            TreeEntries.Kind.REGULAR),
        entries.stream().map(TreeEntries.Entry::kind).toList());
  }
}
