package io.encryptedfs.durability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.nio.KeyRotation;
import io.encryptedfs.testing.OpenDescriptors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two encrypted file systems of one program that reach one file: a root nested in another ({@code
 * /sub/f} of the outer one is {@code /f} of the nested one). POSIX locks belong to the process, so
 * one file system's close of its descriptor on the file used to release the other's writer lock
 * (byte 0 of the underlying file), and another program could then write the file at the same time
 * as the one still writing it. The lock is probed from another process, since this one's JDK still
 * calls it valid.
 */
class SameFileAcrossRootsTest {
  private static final long SEED = 78;

  @TempDir Path tmp;
  private Path root;
  private Path raw;

  @BeforeEach
  void nestedRoot() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    raw = Files.createDirectories(root.resolve("sub")).resolve("f"); // names are in the clear
  }

  private static FileSystem open(Path dir) throws IOException {
    return EncryptedFileSystems.newFileSystem(dir, WalAppender.env(SEED));
  }

  private static void append(FileChannel c, String text) throws IOException {
    c.write(ByteBuffer.wrap(text.getBytes(UTF_8)), c.size());
  }

  @Test
  void aNestedRootsReadLeavesTheOuterWritersLockHeld() throws Exception {
    try (FileSystem outer = open(root);
        FileSystem nested = open(root.resolve("sub"))) {
      try (FileChannel writer = FileChannel.open(outer.getPath("/sub/f"), CREATE, READ, WRITE)) {
        append(writer, "one\n");
        assertEquals("busy free", LockProbe.probe(raw), "the outer root writes the file");
        assertEquals("one\n", Files.readString(nested.getPath("/f")));
        assertEquals("busy free", LockProbe.probe(raw), "after the nested root's read");
        append(writer, "two\n");
      }
      assertEquals("free free", LockProbe.probe(raw), "the writer closed the file");
      assertEquals("one\ntwo\n", Files.readString(nested.getPath("/f")));
    }
    assertEquals(0, OpenDescriptors.on(raw.toRealPath()));
  }

  /** The outer root's key usage reads the headers of the nested root's files. */
  @Test
  void theOuterRootsKeyUsageLeavesTheNestedWritersLockHeld() throws Exception {
    try (FileSystem outer = open(root);
        FileSystem nested = open(root.resolve("sub"));
        FileChannel writer = FileChannel.open(nested.getPath("/f"), CREATE, READ, WRITE)) {
      append(writer, "one\n");
      KeyRotation.usage(outer);
      assertEquals("busy free", LockProbe.probe(raw));
      append(writer, "two\n");
    }
  }

  /**
   * A closed descriptor kept open for the other file system's locks is taken again by the next open
   * of the file, so reading the file again and again keeps at most one such descriptor.
   */
  @Test
  void descriptorsKeptForTheOthersLocksDoNotPileUp() throws Exception {
    try (FileSystem outer = open(root);
        FileSystem nested = open(root.resolve("sub"))) {
      try (FileChannel writer = FileChannel.open(outer.getPath("/sub/f"), CREATE, WRITE, APPEND)) {
        Path real = raw.toRealPath();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
          String line = "line " + i + "\n";
          append(writer, line);
          expected.append(line);
          assertEquals(expected.toString(), Files.readString(nested.getPath("/f")));
          int open = OpenDescriptors.on(real);
          assertTrue(open <= 2, "descriptors on the file after read " + i + ": " + open);
        }
        assertEquals("busy free", LockProbe.probe(raw));
      }
      assertEquals(0, OpenDescriptors.on(raw.toRealPath()), "the last close closed them all");
    }
  }
}
