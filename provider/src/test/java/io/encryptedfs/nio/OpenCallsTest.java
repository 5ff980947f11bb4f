package io.encryptedfs.nio;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Opening a file looks at its underlying file only as often as it must. Programs that open many
 * small files pay each look per open, so the counts are pinned here.
 */
class OpenCallsTest {
  private final FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
  private final InMemoryKeys keys = new InMemoryKeys("master");
  private final FaultInjectingFileSystem faults;
  private final FileSystem fs;
  private final AtomicInteger looks = new AtomicInteger();

  OpenCallsTest() throws IOException {
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/under")));
    fs = TestRoots.open(faults.root().resolve("enc"), keys, "AES-256-GCM", 4096);
    faults.beforeAttributes(
        p -> {
          Path name = p.getFileName();
          if (name != null && (name.toString().equals("f") || name.toString().equals("d"))) {
            looks.incrementAndGet();
          }
        });
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
    jimfs.close();
  }

  /**
   * The look that identifies the file for the table of open files also tells a directory from a
   * file: the provider once made a look of its own first.
   */
  @Test
  void openingAFileToReadLooksAtItOnce() throws IOException {
    Path f = fs.getPath("/f");
    try (FileChannel ch = FileChannel.open(f, CREATE_NEW, WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }
    looks.set(0);
    try (FileChannel ch = FileChannel.open(f, READ)) {
      assertEquals(1, looks.get(), "attribute reads of the file");
      assertEquals(3, ch.read(ByteBuffer.allocate(10)));
    }
  }

  @Test
  void openingADirectoryToReadStillGivesADirectoryChannel() throws IOException {
    Path d = Files.createDirectory(fs.getPath("/d"));
    looks.set(0);
    try (FileChannel ch = FileChannel.open(d, READ)) {
      assertEquals(1, looks.get(), "attribute reads of the directory");
      FileSystemException e =
          assertThrows(FileSystemException.class, () -> ch.read(ByteBuffer.allocate(1)));
      assertEquals("/d", e.getFile());
      ch.force(true);
    }
  }
}
