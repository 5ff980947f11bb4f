package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.bytes;
import static io.encryptedfs.faults.JimfsFaults.content;
import static io.encryptedfs.faults.JimfsFaults.write;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault file system over the default file system, with real fsyncs. */
class DefaultFileSystemTest {

  @Test
  void recordsAndCrashesOverTheDefaultFileSystem(@TempDir Path dir, @TempDir Path restored)
      throws IOException {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(dir);
    Files.createDirectory(faults.root().resolve("db"));
    Path wal = faults.root().resolve("db/wal");
    try (FileChannel channel = FileChannel.open(wal, CREATE_NEW, WRITE, APPEND)) {
      write(channel, "durable");
      channel.force(true);
      write(channel, "pending");
      // Appending channels write at the end even when given a position, as pwrite(2) does.
      channel.write(ByteBuffer.wrap(bytes("!")), 0);
    }

    CrashImage torn =
        faults.crash(CrashPlan.powerLoss().with("db/wal", FileCut.torn(0, Tear.atByte(3))));
    Path out = torn.writeTo(restored.resolve("crash"));

    assertEquals("durablepen", Files.readString(out.resolve("db/wal")));
    assertEquals("durablepending!", content(faults.crash(CrashPlan.processCrash()), "db/wal"));
    assertEquals("durablepending!", Files.readString(dir.resolve("db/wal")));
  }

  @Test
  void pathsAndUrisWorkOverTheDefaultFileSystem(@TempDir Path dir) throws IOException {
    FaultInjectingFileSystem faults = FaultInjectingFileSystem.wrap(dir);
    Path file = faults.root().resolve("f");
    Files.write(file, bytes("x"));

    URI uri = file.toUri();

    assertEquals("faultfs:" + dir.resolve("f").toUri(), uri.toString());
    assertEquals(file, faults.provider().getPath(uri));
    try (Stream<Path> listed = Files.list(faults.root())) {
      assertSame(faults, listed.findFirst().orElseThrow().getFileSystem());
    }
  }
}
