package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.SyncFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Readers of one file interrupted at random while two writers write {@link Records} to their own
 * slots through their own channels and a thread forces. An interrupt that lands during an
 * underlying read closes the file's one underlying channel, which encryptedfs reopens by name and
 * the call under way repeats (README, "Known limits"): the interrupted reader's own channel closes
 * ({@code ClosedByInterruptException}), and it opens another; the writers never see a failure, and
 * the forcer only {@code SyncFailedException} for a force cut short. Reads find holes or whole
 * records; the file matches the writers' model at the end and after reopening.
 */
class InterruptStressTest {
  private static final int SLOTS = 400;

  @TempDir Path tmp;

  /**
   * On the real disk only: Jimfs closes a channel by interrupting every thread then in a call on
   * it, so there the writers and the forcer are interrupted too, and keep it (README, "Known
   * limits").
   */
  @ParameterizedTest(name = "{0} {1} seed {2}")
  @CsvSource({
    "disk, write-through, 71",
    "disk, buffered, 72",
  })
  void onlyTheInterruptedReaderNotices(String where, String mode, long salt) throws Exception {
    long seed = Soak.seed(salt);
    AtomicIntegerArray last = new AtomicIntegerArray(SLOTS);
    try (StressRoots roots = new StressRoots(where, tmp, mode)) {
      try (FileSystem fs = roots.reopen()) {
        Path file = fs.getPath("/f");
        FileChannel.open(file, CREATE_NEW, WRITE).close();
        Stress stress = new Stress(seed);
        for (int w = 0; w < 2; w++) {
          int writer = w;
          Random random = new Random(seed + w);
          FileChannel ch = FileChannel.open(file, READ, WRITE);
          int[] seq = {0};
          stress.loop(
              "writer" + w,
              () -> {
                // Writer w owns the slots s with s / 5 % 2 == w: runs of 1 to 5 in one group.
                int group = writer + 2 * random.nextInt(SLOTS / 10);
                int from = random.nextInt(5);
                int count = 1 + random.nextInt(5 - from);
                int first = group * 5 + from;
                ByteBuffer src = ByteBuffer.wrap(Records.run(first, count, writer, ++seq[0]));
                while (src.hasRemaining()) {
                  ch.write(src, (long) first * Records.SIZE + src.position());
                }
                for (int i = first; i < first + count; i++) {
                  last.set(i, seq[0]);
                }
                return true;
              });
        }
        AtomicReference<Thread> victim = new AtomicReference<>();
        int[] interrupted = {0};
        Random readRandom = new Random(seed + 2);
        FileChannel[] reading = {FileChannel.open(file, READ)};
        stress.loop(
            "reader",
            () -> {
              victim.set(Thread.currentThread());
              int count = 1 + readRandom.nextInt(80);
              long first = readRandom.nextInt(SLOTS - count);
              ByteBuffer dst = ByteBuffer.allocate(count * Records.SIZE);
              try {
                int n = reading[0].read(dst, first * Records.SIZE);
                check(Arrays.copyOf(dst.array(), Math.max(n, 0)), first);
              } catch (ClosedByInterruptException e) {
                interrupted[0]++;
                victim.set(null);
                Thread.interrupted();
                reading[0] = FileChannel.open(file, READ);
              }
              return true;
            });
        Random interruptRandom = new Random(seed + 3);
        stress.loop(
            "interrupter",
            () -> {
              Thread.sleep(interruptRandom.nextInt(3));
              Thread t = victim.get();
              if (t != null) {
                t.interrupt();
              }
              return true;
            });
        FileChannel forcing = FileChannel.open(file, WRITE);
        stress.loop(
            "forcer",
            () -> {
              try {
                forcing.force(false);
              } catch (SyncFailedException cut) {
                // a force an interrupt of the reader cut short (README, "Known limits")
              }
              return true;
            });
        stress.runFor(1_000);
        victim.set(null);
        Thread.interrupted();
        System.out.println("interrupted reads: " + interrupted[0]);
        checkModel(Files.readAllBytes(file), last, "at the end, seed " + seed);
      }
      try (FileSystem fs = roots.reopen()) {
        checkModel(Files.readAllBytes(fs.getPath("/f")), last, "after reopening, seed " + seed);
      }
    }
  }

  private static void check(byte[] bytes, long first) {
    assertEquals(0, bytes.length % Records.SIZE, bytes.length + " bytes at slot " + first);
    for (int i = 0; i < bytes.length / Records.SIZE; i++) {
      Records.read(bytes, i * Records.SIZE, first + i);
    }
  }

  private static void checkModel(byte[] bytes, AtomicIntegerArray last, String when) {
    byte[] padded = Arrays.copyOf(bytes, SLOTS * Records.SIZE);
    for (int slot = 0; slot < SLOTS; slot++) {
      Records.Found found = Records.read(padded, slot * Records.SIZE, slot);
      int seq = found == null ? 0 : found.seq();
      assertEquals(last.get(slot), seq, when + ": slot " + slot);
      assertTrue(found == null || found.writer() == slot / 5 % 2, when + ": slot " + slot);
    }
  }
}
