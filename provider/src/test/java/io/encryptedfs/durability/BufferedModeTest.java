package io.encryptedfs.durability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.DiskFullMode;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.faults.Recording;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The opt-in buffered write mode: writes inside the partial last block wait in memory until force,
 * close, a full block or the time bound; a process crash loses at most those; forced data survives
 * every crash point as in write-through mode.
 */
class BufferedModeTest {
  private static final int BLOCK = 4096;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  private FileSystem open(FaultInjectingFileSystem faults, long boundMillis) throws IOException {
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
    env.put(EncryptedFileSystems.WRITE_MODE, "buffered");
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, Long.toString(boundMillis));
    return EncryptedFileSystems.newFileSystem(faults.root().resolve(Restorer.ROOT), env);
  }

  private static byte[] record(int i) {
    return String.format("record %05d;", i).getBytes(StandardCharsets.UTF_8);
  }

  private static void append(FileChannel ch, byte[] bytes) throws IOException {
    ch.write(ByteBuffer.wrap(bytes));
  }

  /** What a process crash now would leave of /wal (every write the OS got survives). */
  private byte[] afterProcessCrash(FaultInjectingFileSystem faults) throws IOException {
    byte[][] found = new byte[1][];
    try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
      restorer.afterCrash(
          faults.recording(),
          CrashPlan.processCrash(),
          fs -> found[0] = Files.readAllBytes(fs.getPath("/wal")));
    }
    return found[0];
  }

  @Test
  void smallAppendsWaitInMemoryUntilForceOrClose() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = open(faults, 60_000)) {
        Path wal = fs.getPath("/wal");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (FileChannel ch =
            FileChannel.open(
                wal,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
          append(ch, record(0));
          all.write(record(0));
          ch.force(false);
          byte[] forced = all.toByteArray();
          for (int i = 1; i <= 5; i++) {
            append(ch, record(i));
            all.write(record(i));
          }
          // Readers in this process see every write at once.
          assertArrayEquals(all.toByteArray(), Files.readAllBytes(wal));
          // A process crash loses the buffered appends, never the forced one.
          assertArrayEquals(forced, afterProcessCrash(faults));
          ch.force(false);
          assertArrayEquals(all.toByteArray(), afterProcessCrash(faults));
          append(ch, record(6));
          all.write(record(6));
        }
        // Closing the channel hands the buffered tail over.
        assertArrayEquals(all.toByteArray(), afterProcessCrash(faults));
      }
    }
  }

  @Test
  void theTimeBoundHandsWritesOverWithoutForce() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = open(faults, 20);
          FileChannel ch =
              FileChannel.open(
                  fs.getPath("/wal"),
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.APPEND)) {
        append(ch, record(1));
        assertArrayEquals(
            record(1), awaitProcessCrashImage(faults), "the delayed write reached the file");
      }
    }
  }

  /** Polls for up to five seconds until a process crash would find something in /wal. */
  private byte[] awaitProcessCrashImage(FaultInjectingFileSystem faults) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    byte[] found = afterProcessCrash(faults);
    while (found.length == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      found = afterProcessCrash(faults);
    }
    return found;
  }

  @Test
  void aTimedWriteThatFailsIsTriedAgainWithoutAnotherCall() throws Exception {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = open(faults, 20);
          FileChannel ch =
              FileChannel.open(
                  fs.getPath("/wal"),
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.APPEND)) {
        faults.failWritesAfter(0, DiskFullMode.FAIL_WITHOUT_WRITING);
        append(ch, record(1));
        // Several bounds pass with the disk refusing every write: the record cannot go out, and
        // the timer keeps trying (after 20, 40, 80, 160 ms).
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (faults.writesRefused() < 3 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(faults.writesRefused() >= 3, "tries: " + faults.writesRefused());
        assertArrayEquals(new byte[0], afterProcessCrash(faults));
        faults.unlimitedSpace();
        // No write, force or close from the program: the timer alone must hand it over.
        assertArrayEquals(
            record(1), awaitProcessCrashImage(faults), "the failed delayed write was tried again");
        assertArrayEquals(record(1), Files.readAllBytes(fs.getPath("/wal")));
      }
    }
  }

  @Test
  void aFilledBlockIsWrittenAtOnce() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      try (FileSystem fs = open(faults, 60_000);
          FileChannel ch =
              FileChannel.open(
                  fs.getPath("/wal"),
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.APPEND)) {
        byte[] data = new byte[BLOCK + 100];
        Arrays.fill(data, (byte) 7);
        append(ch, data);
        byte[] found = afterProcessCrash(faults);
        // The full block and the record counting it are out; at most the partial block waits.
        assertTrue(found.length >= BLOCK, "found " + found.length);
        assertArrayEquals(Arrays.copyOf(data, found.length), found);
      }
    }
  }

  @Test
  void forcedRecordsSurviveEveryPowerLossCrashPoint() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      int forcedLength = 0;
      try (FileSystem fs = open(faults, 60_000);
          FileChannel ch =
              FileChannel.open(
                  fs.getPath("/wal"),
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.APPEND)) {
        for (int i = 0; i < 700; i++) {
          append(ch, record(i));
          all.write(record(i));
          if (i % 50 == 49) {
            ch.force(false);
            forcedLength = all.size();
          }
        }
      }
      byte[] written = all.toByteArray();
      int forced = forcedLength;
      Recording recording = faults.recording();
      int checked = 0;
      try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
        for (CrashPlan plan : recording.crashPoints().sample(42, 300).toList()) {
          restorer.afterCrash(
              recording,
              plan,
              fs -> {
                byte[] found = Files.readAllBytes(fs.getPath("/wal"));
                assertTrue(found.length >= forced, plan + ": forced bytes lost");
                assertArrayEquals(
                    Arrays.copyOf(written, found.length), found, plan + ": not a prefix");
              });
          checked++;
        }
      }
      assertTrue(checked > 50, "only " + checked + " crash points");
    }
  }
}
