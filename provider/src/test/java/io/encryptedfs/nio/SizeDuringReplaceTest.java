package io.encryptedfs.nio;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Files.size} (and every attribute read) takes the underlying file's attributes by name,
 * then looks its cleartext size up by the file's identity (its inode): among the open files, among
 * the sizes it remembers, or by opening the name. Another thread may replace the name between the
 * two. These tests put the name's change in that gap, calling the size lookup with the attributes
 * read before it, as a thread that lost the processor there would.
 */
class SizeDuringReplaceTest {
  @TempDir Path tmp;

  private FileSystem open() throws Exception {
    return TestRoots.open(tmp.resolve("r"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  private static long sizeWith(FileSystem fs, Path path, BasicFileAttributes rawAttrs)
      throws Exception {
    EncryptedPath p = (EncryptedPath) path;
    return ((EncryptedFileSystem) fs)
        .files()
        .cleartextSize(EncryptedFileSystemProvider.raw(p), p.toString(), rawAttrs);
  }

  /**
   * The name's file was replaced and deleted, and the disk gave its inode number to a file created
   * since (ext4 reuses a freed inode number at once), which another thread has open and has not yet
   * written: the lookup found that open file by the number and answered its size, 0, a size the
   * name never had. Attributes that name the open file's inode stand here for the stale ones.
   */
  @Test
  void aNameIsNotSizedByAnOpenFileThatTookItsOldInodeNumber() throws Exception {
    try (FileSystem fs = open()) {
      Path target = fs.getPath("/target");
      Files.write(target, new byte[5_000]);
      try (FileChannel created = FileChannel.open(fs.getPath("/created"), CREATE_NEW, WRITE)) {
        Object reused = rawAttributes(fs.getPath("/created")).fileKey();
        BasicFileAttributes stale = withFileKey(rawAttributes(target), reused);
        assertEquals(5_000, sizeWith(fs, target, stale), "the size of the file the name holds");
        assertEquals(5_000, Files.size(target));
      }
    }
  }

  /**
   * The name's file, unchanged for long enough that its size is remembered, was moved to another
   * name, and another file moved onto the name. The lookup opened the name, read the other file's
   * size, and remembered it for the first file's identity and attributes: from then on {@code
   * Files.size} of the first file's new name answered the other file's size, until it changed.
   */
  @Test
  void aSizeReadFromAReplacedNameIsNotRememberedForTheFileThatLeftIt() throws Exception {
    try (FileSystem fs = open()) {
      Path target = fs.getPath("/target");
      Files.write(target, new byte[5_000]);
      settle(fs, target);
      BasicFileAttributes stale = rawAttributes(target);
      Files.move(target, fs.getPath("/kept"), ATOMIC_MOVE);
      Files.write(fs.getPath("/other"), new byte[700]);
      Files.move(fs.getPath("/other"), target, ATOMIC_MOVE);
      assertNotEquals(stale.fileKey(), rawAttributes(target).fileKey());

      sizeWith(fs, target, stale);
      assertEquals(5_000, Files.size(fs.getPath("/kept")), "the moved file's own size");
      assertEquals(700, Files.size(target));
    }
  }

  private static BasicFileAttributes rawAttributes(Path path) throws Exception {
    return Files.readAttributes(
        EncryptedFileSystemProvider.raw((EncryptedPath) path), BasicFileAttributes.class);
  }

  /** Dates the underlying file well in the past, so that its size may be remembered. */
  private static void settle(FileSystem fs, Path path) throws Exception {
    Files.setLastModifiedTime(
        EncryptedFileSystemProvider.raw((EncryptedPath) path),
        FileTime.fromMillis(System.currentTimeMillis() - 60_000));
  }

  /** {@code attrs}, but naming the file {@code fileKey}. */
  private static BasicFileAttributes withFileKey(BasicFileAttributes attrs, Object fileKey) {
    return new BasicFileAttributes() {
      @Override
      public FileTime lastModifiedTime() {
        return attrs.lastModifiedTime();
      }

      @Override
      public FileTime lastAccessTime() {
        return attrs.lastAccessTime();
      }

      @Override
      public FileTime creationTime() {
        return attrs.creationTime();
      }

      @Override
      public boolean isRegularFile() {
        return attrs.isRegularFile();
      }

      @Override
      public boolean isDirectory() {
        return attrs.isDirectory();
      }

      @Override
      public boolean isSymbolicLink() {
        return attrs.isSymbolicLink();
      }

      @Override
      public boolean isOther() {
        return attrs.isOther();
      }

      @Override
      public long size() {
        return attrs.size();
      }

      @Override
      public Object fileKey() {
        return fileKey;
      }
    };
  }
}
