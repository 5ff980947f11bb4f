package io.encryptedfs.nio;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.channel.OpenFiles;
import io.encryptedfs.faults.FaultInjectingFileSystem;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code Error} (an {@code AssertionError}, a class missing from the class path) thrown while an
 * open makes or empties a file fails that open and leaves nothing of it behind, as an {@code
 * IOException} does: no underlying file of a failed creation, no name left reserved (every later
 * open of it, and the file system's close, waited for good), no channel left open until the file
 * system's close. {@code KeyProviderErrorTest} covers an Error from the keys.
 */
class OpenErrorCleanupTest {
  private static final Duration BOUND = Duration.ofSeconds(20);

  private FileSystem jimfs;
  private FaultInjectingFileSystem faults;
  private Path raw;
  private FileSystem fs;
  private final AtomicBoolean armed = new AtomicBoolean();

  @BeforeEach
  void open() throws Exception {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    faults = FaultInjectingFileSystem.wrap(Files.createDirectories(jimfs.getPath("/disk")));
    raw = faults.root().resolve("r");
    fs = TestRoots.open(raw, new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  @AfterEach
  void close() throws Exception {
    armed.set(false);
    try {
      assertTimeoutPreemptively(BOUND, fs::close, "the file system's close");
    } finally {
      jimfs.close();
    }
  }

  /** Throws an Error from the locks taken on the file {@code name} while {@link #armed}. */
  private void failLocksOn(String name) {
    faults.afterLocks(
        path -> {
          if (armed.get() && path.getFileName().toString().equals(name)) {
            throw new AssertionError("lock hook on " + name);
          }
        });
  }

  /** The name is usable again and the file system's close returns. */
  private void assertNameUsableAndCloseReturns(String name) {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          Files.writeString(fs.getPath(name), "new");
          assertEquals("new", Files.readString(fs.getPath(name)));
          fs.close();
        },
        "the name and the file system's close do not wait for the failed open");
  }

  @Test
  void anErrorFromTheUnderlyingCreationLeavesTheNameFree() {
    FileAttribute<Object> broken =
        new FileAttribute<>() {
          @Override
          public String name() {
            throw new AssertionError("attribute name");
          }

          @Override
          public Object value() {
            return null;
          }
        };
    assertThrows(
        AssertionError.class,
        () -> Files.newByteChannel(fs.getPath("/f"), Set.of(CREATE_NEW, WRITE), broken).close());
    assertFalse(Files.exists(raw.resolve("f")), "no file made");
    assertNameUsableAndCloseReturns("/f");
  }

  @Test
  void anErrorWhileClaimingTheNewFileDeletesItAndLeavesTheNameFree() {
    failLocksOn("g");
    armed.set(true);
    assertThrows(AssertionError.class, () -> Files.writeString(fs.getPath("/g"), "lost"));
    armed.set(false);
    assertFalse(Files.exists(raw.resolve("g")), "the failed creation's file is deleted");
    assertNameUsableAndCloseReturns("/g");
  }

  @Test
  void anErrorWhileTruncatingOnOpenClosesTheChannel() throws Exception {
    Files.writeString(fs.getPath("/t"), "old content");
    OpenFiles files = ((EncryptedFileSystem) fs).files();
    try (FileChannel reader = FileChannel.open(fs.getPath("/t"), READ)) {
      failLocksOn("t");
      armed.set(true);
      assertThrows(
          AssertionError.class, () -> FileChannel.open(fs.getPath("/t"), WRITE, TRUNCATE_EXISTING));
      armed.set(false);
      assertEquals(1, files.openFileCount());
    }
    assertEquals(0, files.openFileCount(), "the failed open's channel was left open");
    assertEquals("old content", Files.readString(fs.getPath("/t")));
    assertNameUsableAndCloseReturns("/t");
  }
}
