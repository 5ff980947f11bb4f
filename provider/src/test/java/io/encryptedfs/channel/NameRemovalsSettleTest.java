package io.encryptedfs.channel;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Setting a file's modification time first pays the force the file owes ({@link
 * NameRemovals#settle}), also when a channel has it open, and costs no force when it owes none.
 */
class NameRemovalsSettleTest {
  private static final FileTime TIME = FileTime.fromMillis(1_600_000_000_000L);
  private final InMemoryKeys keys = new InMemoryKeys("master");
  private final AtomicInteger forces = new AtomicInteger();
  private FileSystem jimfs;
  private FileSystem fs;

  @BeforeEach
  void open() throws IOException {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    FaultInjectingFileSystem faults =
        FaultInjectingFileSystem.wrapUnrecorded(Files.createDirectories(jimfs.getPath("/r")));
    faults.failForces(
        p -> {
          if (p.toString().endsWith("/f")) {
            forces.incrementAndGet();
          }
          return false; // counted, not failed
        });
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    fs = EncryptedFileSystems.newFileSystem(faults.root(), env);
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
    jimfs.close();
  }

  @Test
  void anOpenFileWrittenSinceItsLastForceIsForcedOnceBeforeTheTimeIsSet() throws IOException {
    Path f = fs.getPath("/f");
    byte[] bytes = new byte[5000];
    Arrays.fill(bytes, (byte) 7);
    try (FileChannel writer = FileChannel.open(f, CREATE_NEW, WRITE);
        FileChannel reader = FileChannel.open(f, READ)) {
      writer.write(ByteBuffer.wrap(bytes));
      writer.close();
      int before = forces.get();
      Files.setLastModifiedTime(f, TIME);
      assertEquals(before + 1, forces.get(), "forced through the open file");
      Files.setLastModifiedTime(f, TIME);
      assertEquals(before + 1, forces.get(), "owing nothing more, it is not forced again");
      assertEquals(TIME, Files.getLastModifiedTime(f));
      ByteBuffer read = ByteBuffer.allocate(bytes.length);
      reader.read(read, 0);
      assertArrayEquals(bytes, read.array());
    }
  }

  @Test
  void anOpenFileForcedAlreadyCostsNoForce() throws IOException {
    Path f = fs.getPath("/f");
    try (FileChannel writer = FileChannel.open(f, CREATE_NEW, WRITE);
        FileChannel reader = FileChannel.open(f, READ)) {
      writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      writer.force(false);
      int before = forces.get();
      Files.setLastModifiedTime(f, TIME);
      assertEquals(before, forces.get());
      assertEquals(TIME, Files.getLastModifiedTime(f));
      assertEquals(3, reader.size());
    }
  }

  @Test
  void anOpenFileThatAnEarlierSessionLeftOwingIsForced() throws IOException {
    Path f = fs.getPath("/f");
    try (FileChannel writer = FileChannel.open(f, CREATE_NEW, WRITE)) {
      writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }
    try (FileChannel reader = FileChannel.open(f, READ)) {
      int before = forces.get();
      Files.setLastModifiedTime(f, TIME);
      assertEquals(before + 1, forces.get());
      assertEquals(TIME, Files.getLastModifiedTime(f));
      assertEquals(3, reader.size());
    }
  }
}
