package io.encryptedfs.nio;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the open that creates a file, between the underlying creation and the header, leaves
 * an empty raw file. A plain file system leaves an empty file there, which a creating open opens:
 * so a service writing its snapshot to a temporary name ({@code Files.write}, then a move) or
 * appending to its log by {@code CREATE} went on after such a crash; here every such open failed on
 * it until someone deleted it. A creating open now makes it a new file; other opens still report
 * it, and a creator still at work on it is waited for, not overwritten.
 */
class InterruptedCreationTest {
  @TempDir Path tmp;

  @Test
  void aCreatingOpenMakesTheEmptyFileANewOne() throws Exception {
    Path dir = tmp.resolve("root");
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.write(dir.resolve("snapshot.tmp"), new byte[0]);
      Files.write(dir.resolve("events.log"), new byte[0]);
      Files.write(dir.resolve("plain-write"), new byte[0]);
      Path snapshot = fs.getPath("/snapshot.tmp");
      Path log = fs.getPath("/events.log");

      assertThrows(DamagedFileException.class, () -> Files.readAllBytes(snapshot));
      assertThrows(
          DamagedFileException.class, () -> FileChannel.open(fs.getPath("/plain-write"), WRITE));

      Files.writeString(snapshot, "records=120\n");
      try (FileChannel ch = FileChannel.open(log, CREATE, WRITE, APPEND)) {
        ch.write(ByteBuffer.wrap("event 1\n".getBytes(StandardCharsets.UTF_8)));
      }
      assertEquals("records=120\n", Files.readString(snapshot));
      assertEquals("event 1\n", Files.readString(log));
    }
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertEquals("records=120\n", Files.readString(fs.getPath("/snapshot.tmp")));
      assertEquals("event 1\n", Files.readString(fs.getPath("/events.log")));
    }
  }

  /**
   * The creating open cannot tell a crash from someone who truncated the raw file, whose content is
   * gone either way: the audit trail records it, as it records the damage other opens report.
   */
  @Test
  void theNewFileIsAudited() throws Exception {
    Path dir = tmp.resolve("root");
    Path audit = tmp.resolve("audit.log");
    Map<String, Object> env = TestRoots.env(new InMemoryKeys("master"), "AES-256-GCM", 4096);
    env.put(EncryptedFileSystems.AUDIT_FILE, audit.toString());
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      Files.write(dir.resolve("events.log"), new byte[0]);
      Files.writeString(fs.getPath("/events.log"), "event 1\n");
    }
    List<String> events =
        Files.readAllLines(audit).stream()
            .filter(line -> line.contains("CONTENT_AUTHENTICATION_FAILED"))
            .toList();
    assertEquals(1, events.size(), events::toString);
    assertTrue(events.get(0).contains("\"path\":\"/events.log\""), events.get(0));
    assertTrue(events.get(0).contains("made it a new, empty file"), events.get(0));
  }

  @Test
  void aCreatorStillAtWorkIsNotOverwritten() throws Exception {
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096);
        FileChannel creator = FileChannel.open(dir.resolve("busy"), CREATE, WRITE);
        FileLock writerLock = creator.lock(0, 1, false)) {
      assertThrows(
          DamagedFileException.class, () -> Files.writeString(fs.getPath("/busy"), "mine"));
      assertEquals(0, Files.size(dir.resolve("busy")), "left to its creator");
    }
  }
}
