package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import io.encryptedfs.testing.VirtualThreads;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads and writes of one shared channel, each on a new thread (virtual on JDK 21 and later, see
 * {@link VirtualThreads}), many at once: the ciphers and scratch buffers those threads take from
 * the per-thread caches' pool must never be used by two at once, or blocks would fail
 * authentication or read back wrong.
 */
class TaskThreadsIoTest {
  private static final int BLOCK = 4096;
  private static final int BLOCKS = 64;

  @ParameterizedTest
  @ValueSource(strings = {"AES-256-GCM", "CHACHA20-POLY1305"})
  void readsAndWritesOnATaskThreadEachMatchThePlainBytes(String algorithm) throws Exception {
    byte[] expected = new byte[BLOCKS * BLOCK + 1000];
    Random random = new Random(42);
    random.nextBytes(expected);
    try (FileSystem disk = Jimfs.newFileSystem(Configuration.unix());
        FileSystem fs =
            TestRoots.open(disk.getPath("/root"), new InMemoryKeys("master"), algorithm, BLOCK)) {
      Path file = fs.getPath("/f");
      Files.write(file, expected, CREATE_NEW, WRITE);
      ExecutorService tasks = VirtualThreads.perTaskExecutor();
      try (FileChannel ch = FileChannel.open(file, READ, WRITE)) {
        List<Future<?>> runs = new ArrayList<>();
        // Each writer rewrites one whole block of its own with new bytes, while readers read
        // ranges of the other blocks, which no writer touches.
        for (int b = 0; b < BLOCKS / 2; b++) {
          byte[] fresh = new byte[BLOCK];
          random.nextBytes(fresh);
          System.arraycopy(fresh, 0, expected, b * BLOCK, BLOCK);
          long at = (long) b * BLOCK;
          runs.add(tasks.submit(() -> ch.write(ByteBuffer.wrap(fresh), at)));
        }
        byte[] stable = expected.clone();
        for (int i = 0; i < 300; i++) {
          int from = BLOCKS / 2 * BLOCK + random.nextInt(expected.length - BLOCKS / 2 * BLOCK);
          int length = 1 + random.nextInt(Math.min(3 * BLOCK, expected.length - from));
          runs.add(
              tasks.submit(
                  () -> {
                    ByteBuffer got = ByteBuffer.allocate(length);
                    while (got.hasRemaining()) {
                      if (ch.read(got, from + got.position()) < 0) {
                        break;
                      }
                    }
                    assertArrayEquals(
                        Arrays.copyOfRange(stable, from, from + length),
                        got.array(),
                        "bytes " + from + ".." + (from + length));
                    return null;
                  }));
        }
        for (Future<?> run : runs) {
          run.get();
        }
      } finally {
        tasks.shutdown();
      }
      assertArrayEquals(expected, Files.readAllBytes(file));
      assertEquals(expected.length, Files.size(file));
    }
  }
}
