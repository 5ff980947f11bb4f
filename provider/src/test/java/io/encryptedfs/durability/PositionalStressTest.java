package io.encryptedfs.durability;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several threads write whole {@link Records} at their slots of one file, each call a run of
 * consecutive slots (runs cross block edges, and slots past the end leave holes), while others read
 * any run of slots, read the size three ways, force, and open and close more channels on the file.
 * Three writers own interleaved groups of slots, whose blocks they share; a fourth writes anywhere.
 *
 * <p>Whatever the interleaving, in one file system a write is one call and a read another: a read
 * finds in each slot a hole or a whole record written there, by the slot's owner or the fourth
 * writer, and never an owner's older record after a newer one; the size only grows, by whole slots,
 * and never past what was written. At the end, and after reopening, each slot holds its owner's
 * last record unless the fourth writer wrote it (then its record or one of the fourth's).
 */
class PositionalStressTest {
  private static final int SLOTS = 600;
  private static final int GROUP = 7;
  private static final int OWNERS = 3;
  private static final int ANY = OWNERS;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @CsvSource({
    "disk, write-through, 1",
    "disk, buffered, 2",
    "jimfs, write-through, 3",
    "jimfs, buffered, 4",
  })
  void readsFindHolesOrWholeRecords(String where, String mode, long salt) throws Exception {
    long seed = Soak.seed(salt);
    AtomicIntegerArray last = new AtomicIntegerArray(SLOTS); // each owner's last write, +1
    Set<Long> anyWrote = ConcurrentHashMap.newKeySet(); // slot << 32 | seq of the fourth writer
    AtomicLong written = new AtomicLong(); // the most slots any write has begun to reach
    AtomicLong done = new AtomicLong(); // the most slots any returned write has reached
    try (StressRoots roots = new StressRoots(where, tmp, mode)) {
      try (FileSystem fs = roots.reopen();
          FileChannel shared = FileChannel.open(fs.getPath("/f"), CREATE_NEW, READ, WRITE)) {
        Path file = fs.getPath("/f");
        Stress stress = new Stress(seed);
        for (int w = 0; w < OWNERS; w++) {
          int writer = w;
          Random random = new Random(seed + w);
          int[] seq = {0};
          stress.loop(
              "owner" + w,
              () -> {
                int group = writer + OWNERS * random.nextInt(SLOTS / GROUP / OWNERS);
                int from = random.nextInt(GROUP);
                int count = 1 + random.nextInt(GROUP - from);
                long first = (long) group * GROUP + from;
                written.accumulateAndGet(first + count, Math::max);
                write(shared, Records.run(first, count, writer, ++seq[0]), first);
                done.accumulateAndGet(first + count, Math::max);
                for (int i = 0; i < count; i++) {
                  last.set((int) first + i, seq[0]);
                }
                return true;
              });
        }
        Random anyRandom = new Random(seed + ANY);
        int[] anySeq = {0};
        stress.loop(
            "anywhere",
            () -> {
              try (FileChannel own = FileChannel.open(file, WRITE)) {
                for (int k = 0; k < 20; k++) {
                  int count = 1 + anyRandom.nextInt(60);
                  long first = anyRandom.nextInt(SLOTS - count);
                  int seq = ++anySeq[0];
                  for (int i = 0; i < count; i++) {
                    anyWrote.add((first + i) << 32 | seq);
                  }
                  written.accumulateAndGet(first + count, Math::max);
                  write(own, Records.run(first, count, ANY, seq), first);
                  done.accumulateAndGet(first + count, Math::max);
                }
              }
              return true;
            });
        for (int r = 0; r < 2; r++) {
          Random random = new Random(seed + 10 + r);
          FileChannel reading = FileChannel.open(file, READ);
          int[] seen = new int[SLOTS];
          stress.loop(
              "reader" + r,
              () -> {
                int count = 1 + random.nextInt(80);
                long first = random.nextInt(SLOTS - count);
                checkRead(reading, first, count, seen, done);
                return true;
              });
        }
        long[] sizes = new long[3];
        stress.loop(
            "sizes",
            () -> {
              long[] now = {
                Files.size(file),
                Files.readAttributes(file, BasicFileAttributes.class).size(),
                shared.size()
              };
              for (int i = 0; i < 3; i++) {
                long ceiling = written.get() * Records.SIZE;
                assertTrue(
                    now[i] >= sizes[i], "size " + i + " went from " + sizes[i] + " to " + now[i]);
                assertEquals(
                    0, now[i] % Records.SIZE, "size " + i + " " + now[i] + " cuts a record");
                assertTrue(now[i] <= ceiling, "size " + now[i] + " past " + ceiling);
                sizes[i] = now[i];
              }
              return true;
            });
        stress.locker(FileChannel.open(file, WRITE)).forcer(shared);
        Random openRandom = new Random(seed + 21);
        stress.loop(
            "opener",
            () -> {
              try (FileChannel other =
                  openRandom.nextBoolean()
                      ? FileChannel.open(file, READ)
                      : FileChannel.open(file, READ, WRITE)) {
                int count = 1 + openRandom.nextInt(20);
                checkRead(other, openRandom.nextInt(SLOTS - count), count, null, done);
              }
              return true;
            });
        stress.runFor(1_000);
        checkWhole(Files.readAllBytes(file), last, anyWrote, "at the end, seed " + seed);
      }
      try (FileSystem fs = roots.reopen()) {
        checkWhole(
            Files.readAllBytes(fs.getPath("/f")), last, anyWrote, "after reopening, seed " + seed);
      }
    }
  }

  private static void write(FileChannel ch, byte[] bytes, long slot) throws IOException {
    ByteBuffer src = ByteBuffer.wrap(bytes);
    long at = slot * Records.SIZE;
    while (src.hasRemaining()) {
      ch.write(src, at + src.position());
    }
  }

  /**
   * Reads {@code count} slots from {@code first} in one call: holes or whole records, each owner's
   * no older than {@code seen} (if given) says this reader saw before.
   */
  private static void checkRead(FileChannel ch, long first, int count, int[] seen, AtomicLong done)
      throws IOException {
    long before = done.get();
    ByteBuffer dst = ByteBuffer.allocate(count * Records.SIZE);
    int n = ch.read(dst, first * Records.SIZE);
    if (n == -1) {
      return;
    }
    assertEquals(0, n % Records.SIZE, "read " + n + " bytes from slot " + first);
    if (first + count <= before) {
      assertEquals(dst.capacity(), n, "a read below what was written before it is whole");
    }
    byte[] bytes = dst.array();
    for (int i = 0; i < n / Records.SIZE; i++) {
      long slot = first + i;
      Records.Found found = Records.read(bytes, i * Records.SIZE, slot);
      if (found == null) {
        continue;
      }
      int owner = (int) (slot / GROUP % OWNERS);
      assertTrue(
          found.writer() == owner || found.writer() == ANY,
          "slot " + slot + " written by " + found.writer());
      if (seen != null && found.writer() == owner) {
        assertTrue(
            found.seq() >= seen[(int) slot],
            "slot " + slot + ": write " + found.seq() + " after " + seen[(int) slot]);
        seen[(int) slot] = found.seq();
      }
    }
  }

  private static void checkWhole(
      byte[] bytes, AtomicIntegerArray last, Set<Long> anyWrote, String when) {
    assertEquals(0, bytes.length % Records.SIZE, when + ": size " + bytes.length);
    byte[] padded = Arrays.copyOf(bytes, SLOTS * Records.SIZE);
    for (int slot = 0; slot < SLOTS; slot++) {
      Records.Found found = Records.read(padded, slot * Records.SIZE, slot);
      int owner = slot / GROUP % OWNERS;
      if (found != null && found.writer() == ANY) {
        assertTrue(anyWrote.contains((long) slot << 32 | found.seq()), when + ": slot " + slot);
      } else if (found == null) {
        assertEquals(0, last.get(slot), when + ": slot " + slot + " is a hole");
        long hole = slot;
        assertTrue(anyWrote.stream().noneMatch(k -> k >>> 32 == hole), when + ": slot " + slot);
      } else {
        assertEquals(owner, found.writer(), when + ": slot " + slot);
        assertEquals(last.get(slot), found.seq(), when + ": slot " + slot);
      }
    }
  }
}
