package io.encryptedfs.nio;

import static java.nio.file.StandardCopyOption.COPY_ATTRIBUTES;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A modification time set on a closed file stays, as on a plain file, through the file system's
 * close, which forces the files written since their last force. That force rewrites the header (the
 * forced sequence), so it replaced the time set after the last write with the close's: {@code
 * setLastModifiedTime}, {@code setAttribute} and {@code Files.copy} with {@code COPY_ATTRIBUTES}
 * (from a plain file or within the root) all lost theirs. The owed force is now paid before the
 * time is set.
 */
class ModificationTimeTest {
  /** Longer than the kernel's timestamp granularity (a jiffy, at most 10 ms). */
  private static final long PAUSE_MILLIS = 30;

  private static final FileTime SET = FileTime.fromMillis(1_000_000_000_000L);
  private static final List<String> NAMES =
      List.of("/set", "/attribute", "/copiedFromPlain", "/copiedInside");

  @TempDir Path tmp;

  @Test
  void aTimeSetOnAClosedFileSurvivesTheFileSystemsClose() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path plain = Files.writeString(tmp.resolve("plain.txt"), "hello");
    Files.setLastModifiedTime(plain, SET);
    try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/set"), "x");
      Files.setLastModifiedTime(fs.getPath("/set"), SET);
      Files.writeString(fs.getPath("/attribute"), "y");
      Files.setAttribute(fs.getPath("/attribute"), "basic:lastModifiedTime", SET);
      Files.copy(plain, fs.getPath("/copiedFromPlain"), COPY_ATTRIBUTES);
      Files.copy(fs.getPath("/set"), fs.getPath("/copiedInside"), COPY_ATTRIBUTES);
      assertEquals(List.of(SET, SET, SET, SET), times(fs), "while the file system is open");
    }
    try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", 4096)) {
      assertEquals(List.of(SET, SET, SET, SET), times(fs), "after its close");
      assertEquals("x", Files.readString(fs.getPath("/set")));
      assertEquals("hello", Files.readString(fs.getPath("/copiedFromPlain")));
    }
  }

  /** A write after the time was set moves it on, as on a plain file. */
  @Test
  void aWriteAfterTheTimeWasSetMovesItOn() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", 4096)) {
      Path f = Files.writeString(fs.getPath("/f"), "x");
      Files.setLastModifiedTime(f, SET);
      Files.writeString(f, "xy");
      assertEquals(true, Files.getLastModifiedTime(f).compareTo(SET) > 0);
    }
  }

  /**
   * The time is that of the last write to the underlying file, which is not always the program's
   * (README, "Known limits"): a writer's close writes a last tail record, and the file system's
   * close forces a file closed unforced, rewriting its header. A plain file keeps the time of its
   * last write through both.
   */
  @Test
  void theTimeIsThatOfTheLastWriteToTheUnderlyingFile() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    FileTime plainForced;
    FileTime plainUnforced;
    FileTime forced;
    FileTime unforced;
    try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", 4096)) {
      plainForced = writeForcePauseClose(plain.resolve("forced"));
      forced = writeForcePauseClose(fs.getPath("/forced"));
      plainUnforced = Files.getLastModifiedTime(Files.writeString(plain.resolve("unforced"), "u"));
      unforced = Files.getLastModifiedTime(Files.writeString(fs.getPath("/unforced"), "u"));
      Thread.sleep(PAUSE_MILLIS);
      assertEquals(plainForced, Files.getLastModifiedTime(plain.resolve("forced")));
      assertTrue(
          Files.getLastModifiedTime(fs.getPath("/forced")).compareTo(forced) > 0,
          "a writer's close writes the underlying file");
      forced = Files.getLastModifiedTime(fs.getPath("/forced"));
    }
    try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", 4096)) {
      assertEquals(plainUnforced, Files.getLastModifiedTime(plain.resolve("unforced")));
      assertTrue(
          Files.getLastModifiedTime(fs.getPath("/unforced")).compareTo(unforced) > 0,
          "the file system's close forces a file closed unforced");
      assertEquals(
          forced,
          Files.getLastModifiedTime(fs.getPath("/forced")),
          "a file forced before its close is not forced again");
    }
  }

  /** Writes, forces and returns the time then; closes the channel after a pause. */
  private static FileTime writeForcePauseClose(Path file) throws Exception {
    try (FileChannel ch = FileChannel.open(file, CREATE_NEW, WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[100]));
      ch.force(false);
      FileTime afterForce = Files.getLastModifiedTime(file);
      Thread.sleep(PAUSE_MILLIS);
      return afterForce;
    }
  }

  private static List<FileTime> times(FileSystem fs) throws IOException {
    List<FileTime> times = new ArrayList<>();
    for (String name : NAMES) {
      times.add(Files.getLastModifiedTime(fs.getPath(name)));
    }
    return times;
  }
}
