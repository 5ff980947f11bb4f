package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A channel closed while other threads read, write, force, size and lock through it, round after
 * round, with the file kept open by another channel or not (then the close closes the file under
 * the calls). Each call either completes or throws {@link ClosedChannelException} (or its subclass
 * {@code AsynchronousCloseException}); nothing else. Writes are runs of whole {@link Records}:
 * after each round every slot holds a hole or a whole record, never older than the last write to it
 * that returned, and the file reopens to the same bytes.
 */
class CloseStressTest {
  private static final int SLOTS = 300;
  private static final int ROUNDS = 40;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} kept open {2} seed {3}")
  @CsvSource({
    "disk, write-through, false, 41",
    "disk, buffered, true, 42",
    "jimfs, write-through, true, 43",
    "jimfs, buffered, false, 44",
  })
  void callsCompleteOrFindTheChannelClosed(String where, String mode, boolean kept, long salt)
      throws Exception {
    long seed = Soak.seed(salt);
    Random random = new Random(seed);
    int[] last = new int[SLOTS];
    int[] seq = {0};
    byte[] end;
    try (StressRoots roots = new StressRoots(where, tmp, mode)) {
      try (FileSystem fs = roots.reopen()) {
        Path file = fs.getPath("/f");
        FileChannel keep = kept ? FileChannel.open(file, CREATE, READ, WRITE) : null;
        for (int round = 0; round < ROUNDS; round++) {
          FileChannel ch = FileChannel.open(file, CREATE, READ, WRITE);
          long roundSeed = random.nextLong();
          List<Call> calls = new ArrayList<>();
          calls.add(
              r -> {
                int count = 1 + r.nextInt(50);
                int first = r.nextInt(SLOTS - count);
                int s = ++seq[0];
                ByteBuffer src = ByteBuffer.wrap(Records.run(first, count, 0, s));
                while (src.hasRemaining()) {
                  ch.write(src, (long) first * Records.SIZE + src.position());
                }
                Arrays.fill(last, first, first + count, s);
              });
          calls.add(
              r -> {
                int count = 1 + r.nextInt(80);
                long first = r.nextInt(SLOTS - count);
                ByteBuffer dst = ByteBuffer.allocate(count * Records.SIZE);
                int n = ch.read(dst, first * Records.SIZE);
                if (n > 0) {
                  check(Arrays.copyOf(dst.array(), n), first, null, "a read");
                }
              });
          calls.add(r -> ch.force(r.nextBoolean()));
          calls.add(r -> assertEquals(0, ch.size() % Records.SIZE));
          calls.add(
              r -> {
                FileLock lock = ch.tryLock(r.nextInt(1000), 1 + r.nextInt(1000), false);
                if (lock != null) {
                  lock.release();
                }
              });
          race(ch, calls, roundSeed, random.nextInt(4));
          try (FileChannel after = FileChannel.open(file, READ)) {
            ByteBuffer all = ByteBuffer.allocate((int) after.size());
            after.read(all, 0);
            check(all.array(), 0, last, "after round " + round + ", seed " + seed);
          }
        }
        end = Files.readAllBytes(file);
        if (keep != null) {
          keep.close();
        }
      }
      try (FileSystem fs = roots.reopen()) {
        assertTrue(Arrays.equals(end, Files.readAllBytes(fs.getPath("/f"))), "seed " + seed);
      }
    }
  }

  private interface Call {
    void run(Random random) throws Exception;
  }

  /**
   * Runs each call in a loop of its own thread until it throws, closes {@code ch} after {@code
   * millis}, and fails unless every thread ended by finding the channel closed.
   */
  private static void race(FileChannel ch, List<Call> calls, long seed, int millis)
      throws Exception {
    AtomicReference<Throwable> wrong = new AtomicReference<>();
    CyclicBarrier start = new CyclicBarrier(calls.size() + 1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Call call = calls.get(i);
      Random random = new Random(seed + i);
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  while (true) {
                    call.run(random);
                  }
                } catch (ClosedChannelException expected) {
                  // the channel closed: the only way a call may fail here
                } catch (Throwable e) {
                  wrong.compareAndSet(null, e);
                }
              },
              "call" + i);
      t.start();
      threads.add(t);
    }
    start.await();
    Thread.sleep(millis);
    ch.close();
    for (Thread t : threads) {
      t.join(30_000);
      assertTrue(!t.isAlive(), t.getName() + " still runs, seed " + seed);
    }
    if (wrong.get() != null) {
      throw new AssertionError("seed " + seed + ": " + wrong.get(), wrong.get());
    }
  }

  /**
   * Holes or whole records from slot {@code first} on, each no older than {@code last} (if given)
   * says.
   */
  private static void check(byte[] bytes, long first, int[] last, String when) {
    assertEquals(0, bytes.length % Records.SIZE, when + ": " + bytes.length + " bytes");
    for (int i = 0; i < bytes.length / Records.SIZE; i++) {
      long slot = first + i;
      Records.Found found = Records.read(bytes, i * Records.SIZE, slot);
      int floor = last == null ? 0 : last[(int) slot];
      int got = found == null ? 0 : found.seq();
      assertTrue(got >= floor, when + ": slot " + slot + " holds write " + got + " after " + floor);
    }
    if (last != null) {
      for (int slot = bytes.length / Records.SIZE; slot < SLOTS; slot++) {
        assertEquals(0, last[slot], when + ": slot " + slot + " past the end was written");
      }
    }
  }
}
