package io.encryptedfs.durability;

import static io.encryptedfs.durability.NestedRoots.append;
import static io.encryptedfs.durability.NestedRoots.nested;
import static io.encryptedfs.durability.NestedRoots.open;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader that holds a log open while another program (here a root nested in another, see {@link
 * NestedRoots}) appends to it and rotates it away (renames it, perhaps making a new file by the old
 * name) follows the file it holds, as a plain file's reader does: a log shipper reads the rotated
 * log to its end. Before, the reader asked the old name whether the file had changed, so once the
 * name was gone it never looked again, and once it named a new file it looked at that one.
 */
class FollowRenamedFileTest {
  @TempDir Path tmp;

  @Test
  void aReaderSeesTheAppendsBeforeTheFileWasRenamedAway() throws IOException {
    Path root = NestedRoots.root(tmp);
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/app.log"), "one\n");
      try (FileChannel reader = FileChannel.open(b.getPath("/app.log"), READ)) {
        assertEquals(4, reader.size());
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/app.log"), WRITE, APPEND)) {
          append(writer, "two\n");
        }
        Files.move(a.getPath("/sub/app.log"), a.getPath("/sub/app.log.1"));
        assertEquals("one\ntwo\n", readAll(reader));
      }
    }
  }

  @Test
  void aReaderFollowsItsFileNotTheNewOneUnderItsOldName() throws IOException {
    Path root = NestedRoots.root(tmp);
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/app.log"), "one\n");
      // Settled long ago, so that a look at a name still showing this time finds nothing new.
      FileTime settled = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
      Files.setLastModifiedTime(root.resolve("sub/app.log"), settled);
      try (FileChannel reader = FileChannel.open(b.getPath("/app.log"), READ)) {
        assertEquals(4, reader.size());
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/app.log"), WRITE, APPEND)) {
          append(writer, "two\n");
        }
        Files.move(a.getPath("/sub/app.log"), a.getPath("/sub/app.log.1"));
        Files.writeString(a.getPath("/sub/app.log"), "new\n");
        Files.setLastModifiedTime(root.resolve("sub/app.log"), settled);
        assertEquals("one\ntwo\n", readAll(reader));
      }
      assertEquals("new\n", Files.readString(b.getPath("/app.log")));
    }
  }

  /**
   * Another program renames the log's directory away and puts a file by its name: the look at the
   * log's old name then fails (not a directory), which a plain file's reader never makes. That
   * look's failure failed every read at the end of the file held open, naming the underlying path;
   * now the reader cannot tell the file's time by its name, and looks at the file it holds.
   */
  @Test
  void aReaderReadsOnWhenItsDirectoryIsReplacedByAFile() throws IOException {
    Path root = NestedRoots.root(tmp);
    try (FileSystem a = open(root);
        FileSystem b = open(nested(root))) {
      Files.writeString(a.getPath("/sub/app.log"), "one\n");
      try (FileChannel reader = FileChannel.open(b.getPath("/app.log"), READ)) {
        assertEquals(4, reader.size());
        try (FileChannel writer = FileChannel.open(a.getPath("/sub/app.log"), WRITE, APPEND)) {
          append(writer, "two\n");
          // Forced, so that no force is owed by a name the file system's close no longer reaches.
          writer.force(true);
        }
        Files.move(root.resolve("sub"), root.resolve("sub.1"));
        Files.writeString(root.resolve("sub"), "a plain file where the directory was");
        assertEquals("one\ntwo\n", readAll(reader));
        assertEquals(8, reader.size());
      }
    }
  }

  private static String readAll(FileChannel channel) throws IOException {
    ByteBuffer all = ByteBuffer.allocate(64);
    while (channel.read(all, all.position()) > 0) {
      // to the end
    }
    return new String(all.array(), 0, all.position(), UTF_8);
  }
}
