package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.CrashPlan;
import io.encryptedfs.faults.DiskFullMode;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Disk full: after a forced baseline, the byte budget is swept so that space runs out at every
 * point of an append workload (home blocks, tail records, runway records, the forced-sequence
 * header write). Each time: the failing write throws {@code IOException}; the file still reads
 * every acknowledged record in the same file system, after closing it while the disk is still full,
 * after reopening, after a process crash and (the forced baseline) after a power loss.
 */
class DiskFullTest {
  private static final int BLOCK = 4096;
  private static final int STEP = Soak.enabled() ? 7 : 61;
  private static final int CREATE_STEP = Soak.enabled() ? 13 : 613;

  @ParameterizedTest
  @EnumSource(DiskFullMode.class)
  void acknowledgedRecordsSurviveRunningOutOfSpace(DiskFullMode mode) throws IOException {
    int runs = 0;
    for (long budget = 0; budget < 3 * (BLOCK + 40) + 4 * (BLOCK + 60); budget += STEP) {
      run(mode, budget);
      runs++;
    }
    System.out.printf("DISK FULL %s: %d budgets%n", mode, runs);
  }

  private static void run(DiskFullMode mode, long budget) throws IOException {
    long seed = 7;
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      FaultInjectingFileSystem faults =
          FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
      Path encDir = faults.root().resolve(Restorer.ROOT);
      FileSystem enc = TestRoots.open(encDir, keys, "AES-256-GCM", BLOCK);
      ByteArrayOutputStream acked = new ByteArrayOutputStream();
      int forced;
      byte[] failed = null;
      IOException failure = null;
      FileChannel wal = FileChannel.open(enc.getPath("/wal"), CREATE_NEW, WRITE, APPEND);
      for (int n = 0; n < 10; n++) {
        append(wal, WalLog.record(seed, n), acked);
      }
      wal.force(false);
      forced = acked.size();
      faults.failWritesAfter(budget, mode);
      for (int n = 10; n < 400 && failure == null; n++) {
        byte[] record = WalLog.record(seed, n);
        try {
          append(wal, record, acked);
          if (n % 7 == 0) {
            wal.force(false);
          }
        } catch (IOException e) {
          failure = e;
          failed = record;
        }
      }
      String where = mode + " budget " + budget;
      assertNotNull(failure, where + ": no write failed");
      assertEquals("/wal: write failed: No space left on device", failure.getMessage(), where);
      byte[] all = acked.toByteArray();
      byte[] lost = failed;
      // Same file system, disk still full.
      checkContent(Files.readAllBytes(enc.getPath("/wal")), all, failed, where + " live");
      // Closing may need space (a final tail record); it may fail, the data must not. The file
      // system is closed even when the channel's close failed.
      try {
        wal.close();
      } catch (IOException e) {
        assertFalse(wal.isOpen(), where + ": a failed close still closes the channel");
      }
      try {
        enc.close();
      } catch (IOException e) {
        assertFalse(enc.isOpen(), where + ": a failed close still closes the file system");
      }
      try (FileSystem again = TestRoots.open(encDir, keys, "AES-256-GCM", BLOCK)) {
        checkContent(
            Files.readAllBytes(again.getPath("/wal")), all, failed, where + " reopened, disk full");
      }
      faults.unlimitedSpace();
      try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
        restorer.afterCrash(
            faults.recording(),
            CrashPlan.processCrash(),
            fs -> checkContent(Files.readAllBytes(fs.getPath("/wal")), all, lost, where));
        restorer.afterCrash(
            faults.recording(),
            CrashPlan.powerLoss(),
            fs -> {
              byte[] found = Files.readAllBytes(fs.getPath("/wal"));
              assertTrue(found.length >= forced, where + ": forced records lost");
              assertArrayEquals(
                  Arrays.copyOf(all, Math.min(found.length, all.length)),
                  Arrays.copyOf(found, Math.min(found.length, all.length)),
                  where);
            });
      }
    }
  }

  /**
   * A new file written whole ({@code Files.write}: create, write, close) while space runs out at
   * any point, in either write mode: the call fails naming the file, or succeeds; either way the
   * name then holds no file or a readable one with a prefix of the bytes, and once there is space
   * again the same name takes a new file, which a power loss after the file system's close keeps.
   */
  @ParameterizedTest
  @EnumSource(DiskFullMode.class)
  void aFileCreatedAsSpaceRunsOutIsAbsentOrReadableAndItsNameWorksAfter(DiskFullMode mode)
      throws IOException {
    byte[] data = new byte[9000];
    new SplittableRandom(11).nextBytes(data);
    byte[] next = new byte[5000];
    new SplittableRandom(12).nextBytes(next);
    InMemoryKeys keys = new InMemoryKeys("master");
    int failures = 0;
    for (String writeMode : new String[] {"write-through", "buffered"}) {
      for (long budget = 0; budget < 2 * data.length + 4000; budget += CREATE_STEP) {
        String where = mode + " " + writeMode + " budget " + budget;
        try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
          FaultInjectingFileSystem faults =
              FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/db")));
          Path encDir = faults.root().resolve(Restorer.ROOT);
          Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", BLOCK);
          env.put(EncryptedFileSystems.WRITE_MODE, writeMode);
          FileSystem enc = EncryptedFileSystems.newFileSystem(encDir, env);
          Path file = enc.getPath("/f");
          faults.failWritesAfter(budget, mode);
          try {
            Files.write(file, data);
          } catch (IOException e) {
            failures++;
            assertTrue(e.getMessage().startsWith("/f: "), where + ": " + e.getMessage());
          }
          if (Files.exists(file)) {
            byte[] found = Files.readAllBytes(file);
            assertArrayEquals(Arrays.copyOf(data, found.length), found, where);
          }
          faults.unlimitedSpace();
          Files.write(file, next);
          assertArrayEquals(next, Files.readAllBytes(file), where);
          enc.close();
          try (Restorer restorer = new Restorer(keys, "AES-256-GCM", BLOCK)) {
            restorer.afterCrash(
                faults.recording(),
                CrashPlan.powerLoss(),
                fs -> assertArrayEquals(next, Files.readAllBytes(fs.getPath("/f")), where));
          }
        }
      }
    }
    assertTrue(failures > 0, "no creation ran out of space");
    System.out.printf("DISK FULL CREATE %s: %d failed creations%n", mode, failures);
  }

  /** Every acknowledged byte, then nothing or the whole failed record (if its write landed). */
  private static void checkContent(byte[] found, byte[] acked, byte[] failed, String where) {
    if (found.length == acked.length) {
      assertArrayEquals(acked, found, where);
    } else if (found.length == acked.length + failed.length) {
      assertArrayEquals(acked, Arrays.copyOf(found, acked.length), where);
      assertArrayEquals(failed, Arrays.copyOfRange(found, acked.length, found.length), where);
    } else {
      fail(where + ": " + found.length + " bytes, " + acked.length + " acknowledged");
    }
  }

  private static void append(FileChannel wal, byte[] record, ByteArrayOutputStream acked)
      throws IOException {
    ByteBuffer src = ByteBuffer.wrap(record);
    while (src.hasRemaining()) {
      wal.write(src);
    }
    acked.write(record);
  }
}
