package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.*;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.DamagedFileException;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void roundTripAndTamper() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    Path dir = jimfs.getPath("/data");
    InMemoryKeys keys = new InMemoryKeys("master");
    byte[] data = new byte[100_000];
    new Random(1).nextBytes(data);
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Path f = fs.getPath("/a.bin");
      Files.write(f, data);
      assertArrayEquals(data, Files.readAllBytes(f));
      assertEquals(data.length, Files.size(f));
      try (FileChannel ch =
          FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
      }
      assertEquals(data.length + 5, Files.size(f));
    }
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      byte[] back = Files.readAllBytes(fs.getPath("/a.bin"));
      assertEquals(data.length + 5, back.length);
      assertArrayEquals(data, java.util.Arrays.copyOf(back, data.length));
    }
    Path raw = dir.resolve("a.bin");
    byte[] rawBytes = Files.readAllBytes(raw);
    rawBytes[20_000] ^= 1;
    Files.write(raw, rawBytes);
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      DamagedFileException e =
          assertThrows(DamagedFileException.class, () -> Files.readAllBytes(fs.getPath("/a.bin")));
      assertTrue(e.getMessage().contains("/a.bin"), e.getMessage());
      assertTrue(e.block() >= 0);
    }
  }
}
