package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.bytes;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shape of a crash test: run a workload, then check every crash point it allows. */
class ExampleCrashTest {

  @Test
  void committedRecordsSurviveEveryCrashPoint() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileChannel wal =
          FileChannel.open(faults.root().resolve("wal"), CREATE_NEW, WRITE, APPEND)) {
        wal.write(ByteBuffer.wrap(bytes("committed;")));
        wal.force(true);
        wal.write(ByteBuffer.wrap(bytes("pending;".repeat(100))));
      }
      Recording recording = faults.recording();
      for (CrashPlan plan : recording.crashPoints().all().toList()) {
        try (FileSystem after = Jimfs.newFileSystem(Configuration.unix())) {
          Path dir = recording.crash(plan).writeTo(after.getPath("/restored"));
          assertTrue(Files.readString(dir.resolve("wal")).startsWith("committed;"), plan::toString);
        }
      }
    }
  }
}
