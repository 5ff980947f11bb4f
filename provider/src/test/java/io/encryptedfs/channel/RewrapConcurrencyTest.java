package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.Algorithm;
import io.encryptedfs.format.Geometry;
import io.encryptedfs.testing.InMemoryKeys;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Rewraps racing with writes and forces on the same open file: a force's header write and a rewrap
 * never interleave, so the file always reopens, with every byte and the last rewrap's key.
 */
class RewrapConcurrencyTest {
  @Test
  void rewrapsInterleavedWithForcesKeepTheFileConsistent() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("k0", "k1");
    NewFilePolicy policy =
        new NewFilePolicy(Algorithm.AES_256_GCM, Geometry.ofBlockSize(4096), "k0");
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path path = Files.createDirectories(jimfs.getPath("/r")).resolve("f");
      OpenFiles files = new OpenFiles(keys, new SecureRandom());
      int writes = 300;
      int rewraps = 100;
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try (FileChannel ch =
          files.newFileChannel(
              path,
              "/f",
              EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              policy)) {
        Future<?> writer =
            pool.submit(
                () -> {
                  for (int i = 0; i < writes; i++) {
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) i}), i);
                    ch.force(false);
                  }
                  return null;
                });
        Future<?> rewrapper =
            pool.submit(
                () -> {
                  for (int i = 1; i <= rewraps; i++) {
                    files.rewrap(path, "/f", "k" + (i % 2));
                  }
                  return null;
                });
        writer.get();
        rewrapper.get();
      } finally {
        pool.shutdown();
      }
      HeaderInspector.Header header = HeaderInspector.inspect(path, keys);
      assertEquals(HeaderInspector.Status.OK, header.status());
      assertEquals("k" + (rewraps % 2), header.keyAlias());
      assertEquals(rewraps, header.generation());
      byte[] expected = new byte[writes];
      for (int i = 0; i < writes; i++) {
        expected[i] = (byte) i;
      }
      OpenFiles reader = new OpenFiles(keys, new SecureRandom());
      try (FileChannel ch =
          reader.newFileChannel(path, "/f", EnumSet.of(StandardOpenOption.READ), policy)) {
        ByteBuffer all = ByteBuffer.allocate((int) ch.size());
        ch.read(all, 0);
        assertArrayEquals(expected, all.array());
      }
    }
  }
}
