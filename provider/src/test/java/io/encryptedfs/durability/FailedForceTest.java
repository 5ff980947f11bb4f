package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A force whose {@code fsync} fails. Linux reports a writeback error to one {@code fsync} and may
 * drop the pages it could not write, so a later {@code fsync} can succeed over lost data. A file
 * whose force failed therefore takes no more writes or forces, through any channel, until it is
 * closed and opened again; reads go on; and the file system's close, a durability point, reports it
 * even if the file was closed since.
 */
class FailedForceTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  @Test
  void afterAFailedForceTheFileTakesNoWritesOrForcesButReads() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      FileSystem fs = open(faults, "write-through");
      try (FileChannel ch = FileChannel.open(fs.getPath("/wal"), CREATE_NEW, WRITE, READ);
          FileChannel other = FileChannel.open(fs.getPath("/wal"), WRITE, READ)) {
        ch.write(bytes("first record;"));
        faults.failForces(path -> path.getFileName().toString().equals("wal"));
        SyncFailedException failed = assertThrows(SyncFailedException.class, () -> ch.force(false));
        assertEquals("/wal: force failed: Input/output error", failed.getMessage());
        faults.failForces(path -> false);

        // The disk works again, but what the failed fsync held may be gone: no success is claimed.
        for (FileChannel c : new FileChannel[] {ch, other}) {
          SyncFailedException refused =
              assertThrows(SyncFailedException.class, () -> c.force(true));
          assertTrue(
              refused.getMessage().startsWith("/wal: an earlier force of this file failed"),
              refused.getMessage());
          assertThrows(SyncFailedException.class, () -> c.write(bytes("x"), 0));
          assertThrows(SyncFailedException.class, () -> c.truncate(1));
        }
        assertThrows(
            SyncFailedException.class,
            () -> Files.write(fs.getPath("/wal"), bytes("y").array(), APPEND));
        ByteBuffer back = ByteBuffer.allocate(64);
        assertEquals(13, other.read(back, 0));
        assertEquals("first record;", new String(back.array(), 0, 13, StandardCharsets.US_ASCII));
      }
      // Closed and opened again, the file is usable: its state is what the disk now holds.
      try (FileChannel again = FileChannel.open(fs.getPath("/wal"), WRITE, APPEND)) {
        again.write(bytes("second record;"));
        again.force(false);
      }
      assertEquals("first record;second record;", Files.readString(fs.getPath("/wal")));
      SyncFailedException atClose = assertThrows(SyncFailedException.class, fs::close);
      assertEquals(
          "/wal: a force of this file failed; what it was to make durable may have been lost",
          atClose.getMessage());
      assertFalse(fs.isOpen());
    }
  }

  /** A file still open when the file system closes is closed, and its failed force reported. */
  @Test
  void theFileSystemsCloseReportsAFailedForceOfAnOpenFile() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      FileSystem fs = open(faults, "write-through");
      Files.writeString(fs.getPath("/fine"), "fine");
      FileChannel ch = FileChannel.open(fs.getPath("/broken"), CREATE_NEW, WRITE);
      ch.write(bytes("data"));
      faults.failForces(path -> path.getFileName().toString().equals("broken"));
      assertThrows(SyncFailedException.class, () -> ch.force(false));
      faults.failForces(path -> false);
      SyncFailedException atClose = assertThrows(SyncFailedException.class, fs::close);
      assertTrue(
          atClose.getMessage().startsWith("/broken: an earlier force of this file failed"),
          atClose.getMessage());
      assertFalse(ch.isOpen());
      try (FileSystem reopened = open(faults, "write-through")) {
        assertEquals("fine", Files.readString(reopened.getPath("/fine")));
        assertEquals("data", Files.readString(reopened.getPath("/broken")));
      }
    }
  }

  /**
   * Whatever was written before a force failed stays: in buffered mode the force hands the waiting
   * tail record to the underlying file before its {@code fsync}, and the close after it writes what
   * is still waiting. The write refused after it changes nothing.
   */
  @Property(tries = 20)
  void aFailedForceDropsNoWriteThatReturned(
      @ForAll @IntRange(min = 1, max = 3 * BLOCK) int before,
      @ForAll @IntRange(min = 0, max = 3 * BLOCK) int refused,
      @ForAll boolean buffered)
      throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults = faults(jimfs);
      byte[] data = new byte[before];
      for (int i = 0; i < before; i++) {
        data[i] = (byte) (i * 31 + refused);
      }
      FileSystem fs = open(faults, buffered ? "buffered" : "write-through");
      try (FileChannel ch = FileChannel.open(fs.getPath("/f"), CREATE_NEW, WRITE)) {
        ch.write(ByteBuffer.wrap(data));
        faults.failForces(path -> path.getFileName().toString().equals("f"));
        assertThrows(SyncFailedException.class, () -> ch.force(false));
        if (refused > 0) {
          assertThrows(SyncFailedException.class, () -> ch.write(ByteBuffer.allocate(refused)));
        }
      }
      faults.failForces(path -> false);
      assertArrayEquals(data, Files.readAllBytes(fs.getPath("/f")));
      assertThrows(SyncFailedException.class, fs::close);
      try (FileSystem again = open(faults, "write-through")) {
        assertArrayEquals(data, Files.readAllBytes(again.getPath("/f")));
      }
    }
  }

  private static FaultInjectingFileSystem faults(FileSystem jimfs) throws IOException {
    return FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
  }

  private FileSystem open(FaultInjectingFileSystem faults, String writeMode) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, writeMode);
    return EncryptedFileSystems.newFileSystem(faults.root().resolve("root"), env);
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
  }
}
