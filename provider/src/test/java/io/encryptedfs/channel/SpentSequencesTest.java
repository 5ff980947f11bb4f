package io.encryptedfs.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.Algorithm;
import io.encryptedfs.crypto.Aead;
import io.encryptedfs.crypto.FileKeys;
import io.encryptedfs.crypto.KeyWrap;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A file whose newest tail record carries the format's last sequence, {@code 2^63 − 1}, which only
 * a writer holding the file's key could have written so (this test seals it with that key): it
 * reads, and every write is refused naming the file, before anything is written. The next record
 * would otherwise have had a negative sequence, which no reader takes: an append and its force
 * returned and were lost, and a second record overwrote the newest valid one, leaving the file
 * without an end (found by a helper session's damage probe, 2026-12-06).
 */
class SpentSequencesTest {
  private static final int B = 4096;

  @Test
  void aFileAtTheLastSequenceReadsAndRefusesEveryWrite() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix())) {
      Path dir = jimfs.getPath("/data");
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", B)) {
        Files.write(fs.getPath("/f"), new byte[] {'A'});
      }
      Path raw = dir.resolve("f");
      forgeLastRecord(raw, keys);
      byte[] before = Files.readAllBytes(raw);
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", B)) {
        Path f = fs.getPath("/f");
        assertArrayEquals(new byte[] {'F'}, Files.readAllBytes(f));
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          assertSpent(() -> ch.write(ByteBuffer.wrap(new byte[] {'X'}), 0));
          assertSpent(() -> ch.write(ByteBuffer.wrap(new byte[] {'Y'}), B + 5));
          assertSpent(() -> ch.truncate(0));
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.APPEND)) {
          assertSpent(() -> ch.write(ByteBuffer.wrap("XYZ".getBytes(StandardCharsets.UTF_8))));
          ch.force(true);
        }
        assertArrayEquals(new byte[] {'F'}, Files.readAllBytes(f));
      }
      // The force made the forged record durable, so the header may now name it (FORMAT.md
      // section 3); no record and no block was written.
      byte[] after = Files.readAllBytes(raw);
      assertArrayEquals(
          Arrays.copyOfRange(before, 512, before.length),
          Arrays.copyOfRange(after, 512, after.length),
          "no tail record or home block written");
      try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", B)) {
        assertArrayEquals(new byte[] {'F'}, Files.readAllBytes(fs.getPath("/f")));
      }
    }
  }

  private static void assertSpent(WriteCall call) {
    IOException e = assertThrows(IOException.class, call::run);
    assertTrue(
        e.getMessage().startsWith("/f: cannot write: its tail records' sequence numbers are spent"),
        e.getMessage());
  }

  interface WriteCall {
    void run() throws IOException;
  }

  /**
   * Seals, with the file's own key, a record of sequence {@code 2^63 − 1} holding the one byte
   * {@code F} into tail slot 0, and clears the other two slots (FORMAT.md sections 2 to 4).
   */
  private static void forgeLastRecord(Path raw, InMemoryKeys keys) throws Exception {
    byte[] header = Arrays.copyOf(Files.readAllBytes(raw), 256);
    String alias = new String(header, 73, header[72] & 0xff, StandardCharsets.UTF_8);
    byte[] dataKey = KeyWrap.unwrap(keys.masterKey(alias), Arrays.copyOfRange(header, 32, 72));
    FileKeys fileKeys =
        new FileKeys(Algorithm.AES_256_GCM, Arrays.copyOfRange(header, 16, 32), dataKey);
    byte[] metadata =
        ByteBuffer.allocate(24).putLong(Long.MAX_VALUE).putLong(0).putInt(1).putInt(0).array();
    byte[] nonce = new byte[24];
    ByteBuffer.wrap(nonce).putLong(16, 1L << 40);
    ByteBuffer aad =
        ByteBuffer.allocate(16 + 1 + 24)
            .put(fileKeys.fileId())
            .put((byte) 'T')
            .put(metadata)
            .flip();
    ByteBuffer sealed = ByteBuffer.allocate(24 + 1 + 16);
    Aead.of(Algorithm.AES_256_GCM)
        .seal(fileKeys.contentKey(nonce), nonce, aad, ByteBuffer.wrap(new byte[] {'F'}), sealed);
    byte[] slot = new byte[B + 64];
    System.arraycopy(metadata, 0, slot, 0, 24);
    System.arraycopy(sealed.array(), 0, slot, 24, sealed.capacity());
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(slot), 512);
      ch.write(ByteBuffer.wrap(new byte[2 * (B + 64)]), 512 + B + 64);
    }
  }
}
