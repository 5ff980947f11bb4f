package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.bytes;
import static io.encryptedfs.faults.JimfsFaults.content;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConcurrentWritesTest {
  private static final int THREADS = 4;
  private static final int ROUNDS = 300;
  private static final int RECORD = 16;

  @Test
  void writesFromManyThreadsAreLoggedInTheOrderTheyWereApplied() throws Exception {
    try (JimfsFaults fixture = new JimfsFaults()) {
      Path shared = fixture.root().resolve("shared");
      Path log = fixture.root().resolve("log");
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<Void>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(pool.submit(writer(t, shared, log, start)));
      }
      start.countDown();
      for (Future<Void> thread : done) {
        thread.get();
      }
      pool.shutdown();

      // Overlapping writes only replay to the real content if the log has the real order;
      // recording() checks exactly that and throws otherwise.
      Recording recording = fixture.faults.recording();
      CrashImage everything = recording.crash(CrashPlan.processCrash());
      assertEquals(fixture.underlyingContent("shared"), content(everything, "shared"));
      String appended = content(everything, "log");
      assertEquals(THREADS * ROUNDS * RECORD, appended.length());
      for (int k = 0; k <= recording.file("log").unforced().size(); k++) {
        String prefix =
            content(recording.crash(CrashPlan.powerLoss().with("log", FileCut.prefix(k))), "log");
        assertTrue(appended.startsWith(prefix), "appends replay as prefixes");
        assertEquals(0, prefix.length() % RECORD, "appends never interleave");
      }
    }
  }

  private static Callable<Void> writer(int id, Path shared, Path log, CountDownLatch start) {
    return () -> {
      Random random = new Random(id);
      byte[] block = new byte[64];
      Arrays.fill(block, (byte) ('A' + id));
      start.await();
      try (FileChannel positional = FileChannel.open(shared, CREATE, WRITE);
          FileChannel appender = FileChannel.open(log, CREATE, WRITE, APPEND)) {
        for (int i = 0; i < ROUNDS; i++) {
          positional.write(ByteBuffer.wrap(block), random.nextInt(64) * 16L);
          String record = String.format("%-" + RECORD + "s", "t" + id + "-" + i + ";");
          appender.write(ByteBuffer.wrap(bytes(record)));
          if (i % 50 == 0) {
            positional.force(false);
          }
          if (i % 97 == 0) {
            positional.truncate(random.nextInt(2048));
          }
        }
      }
      return null;
    };
  }

  @Test
  void openingAndForcingConcurrentlyWithWritesIsSafe() throws Exception {
    try (JimfsFaults fixture = new JimfsFaults()) {
      Path file = fixture.root().resolve("f");
      ExecutorService pool = Executors.newFixedThreadPool(2);
      Future<Void> writer =
          pool.submit(
              () -> {
                try (FileChannel channel = FileChannel.open(file, CREATE, WRITE, APPEND)) {
                  for (int i = 0; i < 500; i++) {
                    channel.write(ByteBuffer.wrap(bytes("x")));
                  }
                }
                return null;
              });
      Future<Void> forcer =
          pool.submit(
              () -> {
                for (int i = 0; i < 200; i++) {
                  try (FileChannel channel = FileChannel.open(file, CREATE, WRITE)) {
                    channel.force(true);
                  } catch (IOException e) {
                    throw new AssertionError(e);
                  }
                }
                return null;
              });
      writer.get();
      forcer.get();
      pool.shutdown();

      try (FileChannel channel = FileChannel.open(file, WRITE)) {
        channel.force(true);
      }
      assertEquals("x".repeat(500), content(fixture.faults.crash(CrashPlan.powerLoss()), "f"));
    }
  }
}
