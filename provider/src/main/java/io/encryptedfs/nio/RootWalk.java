package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The walk of a root's underlying directory that {@link KeyRotation} rewraps and counts by: every
 * entry in a stable order, stopping at a directory that is the root of another encrypted file
 * system, and leaving out the temporary files of moves into the root.
 */
final class RootWalk {
  private RootWalk() {}

  /**
   * Every entry under the root but directories, sorted, so that reruns go in the same order. An
   * entry deleted while the walk reads its directory is left out, as programs may go on deleting.
   *
   * @param nestedRoots null to enter a directory that is a root of its own; else such a directory
   *     is an entry in place of its content, and is added to this set
   */
  static List<Path> walk(EncryptedFileSystem efs, Set<Path> nestedRoots) throws IOException {
    List<Path> entries = new ArrayList<>();
    Files.walkFileTree(
        efs.root(),
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (nestedRoots != null && isNestedRoot(efs, dir)) {
              entries.add(dir);
              nestedRoots.add(dir);
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!isStagedCopy(efs, file)) {
              entries.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            return FileVisitResult.CONTINUE;
          }
        });
    entries.sort(null);
    return entries;
  }

  /**
   * The temporary files of copies into the root ({@link #isStagedCopy}) now in its directory, by
   * name, with their sizes on disk; one removed while the directory is read is left out.
   */
  static SortedMap<String, Long> stagedCopies(EncryptedFileSystem efs) throws IOException {
    SortedMap<String, Long> found = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(efs.root())) {
      for (Path raw : entries) {
        if (!isStagedCopy(efs, raw)) {
          continue;
        }
        try {
          BasicFileAttributes attrs =
              Files.readAttributes(raw, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attrs.isRegularFile()) {
            found.put(raw.getFileName().toString(), attrs.size());
          }
        } catch (NoSuchFileException e) {
          // put at its name, or removed, since the directory was read
        }
      }
    }
    return found;
  }

  /**
   * Whether {@code raw} is a temporary file of a copy into the root ({@link StagedCopy}): one in
   * use is put at its name or removed by its copy, one a kill left holds nothing of the root's, and
   * one a kill left in its creation does not even open. Only the name a copy gives ({@link
   * StagedCopy#isName}): another file under the reserved prefix is none of ours, and is walked as
   * the root's other internal files are, so that it is counted, rewrapped or reported.
   */
  private static boolean isStagedCopy(EncryptedFileSystem efs, Path raw) {
    return efs.root().equals(raw.getParent()) && StagedCopy.isName(raw.getFileName().toString());
  }

  /**
   * Whether the directory {@code raw} is one below the root holding a root marker, a regular file
   * (a directory or a symbolic link so named is none): the root of another encrypted file system.
   * No call through an encrypted file system creates that name ({@link ReservedNames}), so only
   * another file system on the underlying path, or a file made before that rule, makes one.
   */
  private static boolean isNestedRoot(EncryptedFileSystem efs, Path raw) {
    return !raw.equals(efs.root())
        && Files.isRegularFile(raw.resolve(EncryptedFileSystem.MARKER), LinkOption.NOFOLLOW_LINKS);
  }
}
