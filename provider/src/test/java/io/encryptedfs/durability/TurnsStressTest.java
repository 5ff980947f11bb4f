package io.encryptedfs.durability;

import static io.encryptedfs.durability.NestedRoots.nested;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two programs (a root and one nested in it, which keep their own views of a file as two programs
 * do, see {@link NestedRoots}) append to one log taking turns under an exclusive lock of it, each
 * record written at the size read under the lock, as programs sharing a log do; beside them, each
 * program has a reader scanning the log without a lock, a thread reading its size two ways and one
 * forcing it. (One mutex of the test orders the two writers, as the lock alone would between
 * processes: in one JVM the second lock would throw {@code OverlappingFileLockException} instead of
 * waiting.)
 *
 * <p>Whatever the interleaving, every scan by either program is whole records in which each
 * writer's come in order with none missing before its newest; sizes only grow, by whole records; at
 * the end, and after reopening, each writer's every record is there once.
 */
class TurnsStressTest {
  private static final long APPENDED = -1;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"write-through", "buffered"})
  void programsTakingTurnsLoseNothing(String mode) throws Exception {
    long seed = Soak.seed(mode.hashCode() + 61);
    Path root = NestedRoots.root(tmp);
    int[] returned = new int[2];
    try (FileSystem a = open(root, mode);
        FileSystem b = open(nested(root), mode)) {
      Path[] logs = {a.getPath("/sub/log"), b.getPath("/log")};
      FileChannel.open(logs[0], CREATE_NEW, WRITE).close();
      ReentrantLock turns = new ReentrantLock();
      Stress stress = new Stress(seed);
      for (int p = 0; p < 2; p++) {
        int program = p;
        Path log = logs[p];
        FileChannel ch = FileChannel.open(log, READ, WRITE);
        stress.loop(
            "writer" + p,
            () -> {
              turns.lock();
              try (FileLock lock = ch.lock()) {
                ByteBuffer src = ByteBuffer.wrap(Records.of(APPENDED, program, returned[program]));
                long at = ch.size();
                while (src.hasRemaining()) {
                  at += ch.write(src, at);
                }
              } finally {
                turns.unlock();
              }
              returned[program]++;
              return returned[program] < 3_000;
            });
        FileChannel reading = FileChannel.open(log, READ);
        stress.loop(
            "reader" + p,
            () -> {
              check(scan(reading), "program " + program + "'s scan");
              return true;
            });
        long[] sizes = new long[2];
        stress.loop(
            "sizes" + p,
            () -> {
              // Another program's appends: seen late perhaps, but never undone or cut.
              long[] now = {Files.size(log), reading.size()};
              for (int i = 0; i < 2; i++) {
                assertTrue(now[i] >= sizes[i], "size " + i + ": " + sizes[i] + " then " + now[i]);
                assertEquals(0, now[i] % Records.SIZE, "size " + i + " " + now[i]);
                sizes[i] = now[i];
              }
              return true;
            });
        FileChannel forcing = FileChannel.open(log, READ);
        Random random = new Random(seed + p);
        stress.loop(
            "forcer" + p,
            () -> {
              forcing.force(random.nextBoolean());
              Thread.sleep(random.nextInt(2));
              return true;
            });
      }
      stress.runFor(1_000);
      for (int p = 0; p < 2; p++) {
        assertCounts(check(Files.readAllBytes(logs[p]), "at the end"), returned, seed);
      }
    }
    try (FileSystem a = open(root, mode)) {
      assertCounts(check(Files.readAllBytes(a.getPath("/sub/log")), "reopened"), returned, seed);
    }
  }

  private static FileSystem open(Path dir, String mode) throws IOException {
    Map<String, Object> env = WalAppender.env(NestedRoots.SEED);
    env.put(EncryptedFileSystems.WRITE_MODE, mode);
    env.put(EncryptedFileSystems.WRITE_BUFFER_MILLIS, "3");
    return EncryptedFileSystems.newFileSystem(dir, env);
  }

  private static void assertCounts(int[] found, int[] returned, long seed) {
    for (int w = 0; w < 2; w++) {
      assertEquals(returned[w], found[w], "writer " + w + "'s records, seed " + seed);
    }
  }

  /** The whole file in one read, as the channel's view has it now. */
  private static byte[] scan(FileChannel ch) throws IOException {
    ByteBuffer all = ByteBuffer.allocate((int) ch.size() + Records.SIZE);
    int n = ch.read(all, 0);
    byte[] bytes = new byte[Math.max(n, 0)];
    all.flip();
    all.get(bytes);
    return bytes;
  }

  /** Whole records, each writer's numbered from 0 without a gap; returns how many of each. */
  private static int[] check(byte[] bytes, String what) {
    assertEquals(0, bytes.length % Records.SIZE, what + ": " + bytes.length + " bytes");
    int[] next = new int[2];
    for (int at = 0; at < bytes.length; at += Records.SIZE) {
      Records.Found found = Records.read(bytes, at, APPENDED);
      assertNotNull(found, what + ": a hole at " + at);
      assertEquals(next[found.writer()], found.seq(), what + ": writer " + found.writer());
      next[found.writer()]++;
    }
    assertTrue(next[0] + next[1] == bytes.length / Records.SIZE);
    return next;
  }
}
