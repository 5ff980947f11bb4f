package io.encryptedfs.keystore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password files are read here: no copy of their bytes may outlive the call but the result. */
class FileContentsTest {
  private static final byte[] SECRET = "hunter2-secret\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private final List<ByteBuffer> buffers = new ArrayList<>();

  /** Heap buffers, so the test can look inside them afterwards, after {@code meanwhile} runs. */
  private IntFunction<ByteBuffer> buffers(Runnable meanwhile) {
    return size -> {
      ByteBuffer buffer = ByteBuffer.allocate(size);
      buffers.add(buffer);
      meanwhile.run();
      return buffer;
    };
  }

  private byte[] read(Path file, Runnable meanwhile) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return FileContents.read(channel, file, 1024, buffers(meanwhile));
    }
  }

  private void assertBuffersWiped() {
    assertEquals(1, buffers.size());
    for (ByteBuffer buffer : buffers) {
      assertArrayEquals(new byte[buffer.capacity()], buffer.array(), "buffer not wiped");
    }
  }

  @Test
  void returnsAFreshArrayAndWipesTheBufferItReadInto() throws IOException {
    Path file = Files.write(dir.resolve("password"), SECRET);
    byte[] read = read(file, () -> {});
    assertArrayEquals(SECRET, read);
    assertNotSame(buffers.get(0).array(), read);
    assertBuffersWiped();
  }

  @Test
  void aFileThatShrinksWhileReadGivesWhatIsLeft() throws IOException {
    Path file = Files.write(dir.resolve("password"), SECRET);
    byte[] read = read(file, () -> truncate(file, 7));
    assertArrayEquals("hunter2".getBytes(StandardCharsets.US_ASCII), read);
    assertBuffersWiped();
  }

  @Test
  void aFileThatGrowsWhileReadIsRefusedByName() throws IOException {
    Path file = Files.write(dir.resolve("password"), SECRET);
    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () -> read(file, () -> append(file, "more\n".getBytes(StandardCharsets.US_ASCII))));
    assertEquals(file.toString(), e.getFile());
    assertTrue(e.getMessage().contains("changed while it was read"), e.getMessage());
    assertBuffersWiped();
  }

  @Test
  void aFileOverTheLimitIsRefusedByName() throws IOException {
    Path file = Files.write(dir.resolve("big"), new byte[1025]);
    FileSystemException e = assertThrows(FileSystemException.class, () -> read(file, () -> {}));
    assertEquals(file.toString(), e.getFile());
    assertTrue(e.getMessage().contains("too large"), e.getMessage());
  }

  private static void truncate(Path file, long size) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void append(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
