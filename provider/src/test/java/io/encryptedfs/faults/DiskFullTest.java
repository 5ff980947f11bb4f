package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.bytes;
import static io.encryptedfs.faults.JimfsFaults.content;
import static io.encryptedfs.faults.JimfsFaults.write;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiskFullTest {
  private final JimfsFaults fixture = new JimfsFaults();
  private final FaultInjectingFileSystem faults = fixture.faults;
  private final Path file = fixture.root().resolve("f");

  DiskFullTest() throws IOException {}

  @AfterEach
  void close() throws IOException {
    fixture.close();
  }

  @Test
  void aWriteThatDoesNotFitFailsWithoutWritingAndLeavesEarlierDataReadable() throws IOException {
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
      write(channel, "hello");
      channel.force(true);
      faults.failWritesAfter(3, DiskFullMode.FAIL_WITHOUT_WRITING);
      ByteBuffer world = ByteBuffer.wrap(bytes("world"));

      IOException e = assertThrows(IOException.class, () -> channel.write(world));

      assertEquals("No space left on device", e.getMessage());
      assertEquals(0, world.position());
      assertEquals(5, channel.position());
      assertEquals("hello", Files.readString(file));
      write(channel, "ab");
      assertThrows(IOException.class, () -> write(channel, "cd"));
    }
    assertEquals(7, faults.bytesWritten());
    assertEquals("helloab", content(faults.crash(CrashPlan.processCrash()), "f"));
    assertEquals("hello", content(faults.crash(CrashPlan.powerLoss()), "f"));
  }

  @Test
  void writePrefixThenFailWritesWhatFitsAndRecordsIt() throws IOException {
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
      write(channel, "hello");
      faults.failWritesAfter(3, DiskFullMode.WRITE_PREFIX_THEN_FAIL);
      ByteBuffer world = ByteBuffer.wrap(bytes("world"));

      assertThrows(IOException.class, () -> channel.write(world));

      assertEquals(3, world.position());
      assertThrows(IOException.class, () -> channel.write(ByteBuffer.wrap(bytes("!")), 0));
    }
    assertEquals("hellowor", Files.readString(file));
    assertEquals(
        new LogEntry.Write(5, bytes("wor")), faults.recording().file("f").unforced().get(1));
  }

  @Test
  void shortWritesReturnTheCountThatFitAndTheNextWriteFails() throws IOException {
    faults.failWritesAfter(3, DiskFullMode.SHORT_WRITE);
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
      assertEquals(3, channel.write(ByteBuffer.wrap(bytes("hello"))));
      assertThrows(IOException.class, () -> channel.write(ByteBuffer.wrap(bytes("lo"))));
    }
    faults.failWritesAfter(4, DiskFullMode.SHORT_WRITE);
    try (OutputStream out = Files.newOutputStream(file, APPEND)) {
      // A write loop, as in Channels.newOutputStream, turns the short write into a failure.
      assertThrows(IOException.class, () -> out.write(bytes("0123456789")));
    }
    assertEquals("hel0123", Files.readString(file));
  }

  @Test
  void gatheringWritesAndCopiesShareTheBudget() throws IOException {
    Files.write(file, bytes("abcdef"));
    faults.failWritesAfter(8, DiskFullMode.WRITE_PREFIX_THEN_FAIL);
    try (FileChannel channel = FileChannel.open(file, WRITE, APPEND)) {
      ByteBuffer[] parts = {ByteBuffer.wrap(bytes("12")), ByteBuffer.wrap(bytes("34"))};
      assertEquals(4, channel.write(parts));
    }

    assertThrows(IOException.class, () -> Files.copy(file, fixture.root().resolve("copy")));

    assertEquals("abcd", Files.readString(fixture.root().resolve("copy")));
    faults.unlimitedSpace();
    Files.write(file, bytes("plenty of space again"), APPEND);
  }

  @Test
  void sweepingTheFailurePointNeverLosesForcedData() throws IOException {
    long total;
    try (JimfsFaults unlimited = new JimfsFaults()) {
      total = appendRecords(unlimited, Long.MAX_VALUE);
    }

    for (long capacity = 0; capacity <= total; capacity++) {
      try (JimfsFaults run = new JimfsFaults()) {
        long written = appendRecords(run, capacity);
        for (CrashPlan plan : List.of(CrashPlan.powerLoss(), CrashPlan.processCrash())) {
          String wal = content(run.faults.crash(plan), "wal");
          assertTrue(wal.startsWith("header|"), "capacity " + capacity + ", " + plan + ": " + wal);
        }
        assertTrue(written <= capacity);
      }
    }
  }

  /** Forces a header, then appends records until the disk is full; returns bytes written. */
  private static long appendRecords(JimfsFaults run, long capacity) throws IOException {
    Path wal = run.root().resolve("wal");
    try (FileChannel channel = FileChannel.open(wal, CREATE, WRITE, APPEND)) {
      write(channel, "header|");
      channel.force(true);
      run.faults.failWritesAfter(capacity, DiskFullMode.WRITE_PREFIX_THEN_FAIL);
      for (int i = 0; i < 5; i++) {
        write(channel, "record-" + i + "|");
      }
    } catch (IOException diskFull) {
      assertEquals("No space left on device", diskFull.getMessage());
    }
    return run.faults.bytesWritten() - "header|".length();
  }
}
