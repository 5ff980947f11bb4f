package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import com.google.common.jimfs.WatchServiceConfiguration;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watch services: the underlying file system watches, and keys and events speak encrypted paths.
 * The differential test runs the same steps in a plain directory and in an encrypted root on the
 * real disk (inotify on Linux) and expects the same events by kind and name.
 */
class WatchServiceTest {
  private static final long WAIT_MS = 10_000;

  @TempDir Path tmp;
  private final InMemoryKeys keys = new InMemoryKeys("master");

  /** Creates, appends to, renames and deletes files and makes a directory in {@code dir}. */
  private static void steps(Path dir) throws IOException {
    Files.write(dir.resolve("a.log"), "first".getBytes(US_ASCII));
    Files.write(dir.resolve("a.log"), " second".getBytes(US_ASCII), APPEND);
    Files.write(dir.resolve("b.txt"), new byte[10_000]);
    Files.move(dir.resolve("b.txt"), dir.resolve("c.txt"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(dir.resolve("a.log"));
    Files.createDirectory(dir.resolve("sub"));
  }

  private static final Set<String> EXPECTED =
      Set.of(
          "ENTRY_CREATE a.log",
          "ENTRY_MODIFY a.log",
          "ENTRY_DELETE a.log",
          "ENTRY_CREATE b.txt",
          "ENTRY_MODIFY b.txt",
          "ENTRY_DELETE b.txt",
          "ENTRY_CREATE c.txt",
          "ENTRY_CREATE sub");

  /**
   * The distinct "KIND name" of the events on {@code key}'s directory, once {@code last} is seen.
   */
  static Set<String> collect(WatchService service, WatchKey key, String last)
      throws InterruptedException {
    Set<String> seen = new TreeSet<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!seen.contains(last) && System.nanoTime() < deadline) {
      WatchKey signalled = service.poll(100, TimeUnit.MILLISECONDS);
      if (signalled == null) {
        continue;
      }
      assertSame(key, signalled);
      for (WatchEvent<?> e : signalled.pollEvents()) {
        seen.add(e.kind().name() + " " + e.context());
      }
      signalled.reset();
    }
    return seen;
  }

  private Set<String> watchSteps(Path dir) throws IOException, InterruptedException {
    try (WatchService service = dir.getFileSystem().newWatchService()) {
      WatchKey key = dir.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
      steps(dir);
      return collect(service, key, "ENTRY_CREATE sub");
    }
  }

  @Test
  void encryptedEventsMatchPlainOnes() throws Exception {
    Set<String> plain = watchSteps(Files.createDirectories(tmp.resolve("plain")));
    assertTrue(plain.containsAll(EXPECTED), "the plain run itself: " + plain);
    try (FileSystem fs =
        TestRoots.open(Files.createDirectories(tmp.resolve("enc")), keys, "AES-256-GCM", 4096)) {
      assertEquals(plain, watchSteps(fs.getPath("/")));
      assertEquals(plain, watchSteps(Files.createDirectories(fs.getPath("/deeper/dir"))));
    }
  }

  @Test
  void keysAndEventsSpeakEncryptedPaths() throws Exception {
    try (FileSystem fs =
            TestRoots.open(
                Files.createDirectories(tmp.resolve("enc")), keys, "CHACHA20-POLY1305", 4096);
        WatchService service = fs.newWatchService()) {
      Path dir = Files.createDirectories(fs.getPath("/logs"));
      WatchKey key = dir.register(service, ENTRY_CREATE);
      assertSame(key, dir.register(service, ENTRY_CREATE, ENTRY_MODIFY), "one key per directory");
      assertEquals(dir, key.watchable());
      Files.writeString(dir.resolve("x"), "hello");
      WatchKey signalled = service.poll(WAIT_MS, TimeUnit.MILLISECONDS);
      assertSame(key, signalled);
      WatchEvent<?> event = signalled.pollEvents().get(0);
      Path name = assertInstanceOf(Path.class, event.context());
      assertSame(fs, name.getFileSystem());
      assertFalse(name.isAbsolute());
      assertEquals("hello", Files.readString(dir.resolve(name)));
      assertTrue(signalled.reset());
      key.cancel();
      assertFalse(key.isValid());
    }
  }

  @Test
  void rootInternalFileIsNeverReported() throws Exception {
    Path raw = Files.createDirectories(tmp.resolve("enc"));
    try (FileSystem fs = TestRoots.open(raw, keys, "AES-256-GCM", 4096);
        WatchService service = fs.newWatchService()) {
      WatchKey key = fs.getPath("/").register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
      Path marker = raw.resolve(EncryptedFileSystem.MARKER);
      Files.setLastModifiedTime(marker, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
      Files.write(raw.resolve(EncryptedFileSystem.MARKER + ".tmp"), new byte[1]);
      Files.delete(raw.resolve(EncryptedFileSystem.MARKER + ".tmp"));
      Files.writeString(fs.getPath("/visible"), "v");
      assertEquals(
          Set.of("ENTRY_CREATE visible", "ENTRY_MODIFY visible"),
          collect(service, key, "ENTRY_MODIFY visible"));
    }
  }

  @Test
  void registrationErrorsNameTheEncryptedPath() throws Exception {
    Path raw = Files.createDirectories(tmp.resolve("enc"));
    try (FileSystem fs = TestRoots.open(raw, keys, "AES-256-GCM", 4096);
        FileSystem other =
            TestRoots.open(
                Files.createDirectories(tmp.resolve("other")), keys, "AES-256-GCM", 4096);
        WatchService service = fs.newWatchService();
        WatchService foreign = other.newWatchService();
        WatchService plain = FileSystems.getDefault().newWatchService()) {
      Path file = Files.writeString(fs.getPath("/file"), "f");
      NotDirectoryException notDir =
          assertThrows(NotDirectoryException.class, () -> file.register(service, ENTRY_CREATE));
      assertEquals("/file", notDir.getFile());
      NoSuchFileException missing =
          assertThrows(
              NoSuchFileException.class,
              () -> fs.getPath("/missing").register(service, ENTRY_CREATE));
      assertEquals("/missing", missing.getFile());
      assertFalse(String.valueOf(missing.getMessage()).contains(raw.toString()));
      assertThrows(
          NoSuchFileException.class,
          () -> fs.getPath("/" + EncryptedFileSystem.MARKER).register(service, ENTRY_CREATE));
      Path root = fs.getPath("/");
      assertThrows(ProviderMismatchException.class, () -> root.register(foreign, ENTRY_CREATE));
      assertThrows(ProviderMismatchException.class, () -> root.register(plain, ENTRY_CREATE));
    }
  }

  @Test
  void closingTheFileSystemReleasesAWaitingThread() throws Exception {
    FileSystem fs =
        TestRoots.open(Files.createDirectories(tmp.resolve("enc")), keys, "AES-256-GCM", 4096);
    WatchService service = fs.newWatchService();
    fs.getPath("/").register(service, ENTRY_CREATE);
    CompletableFuture<WatchKey> waiter =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return service.take();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(50);
    fs.close();
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> waiter.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertInstanceOf(ClosedWatchServiceException.class, e.getCause());
    assertThrows(ClosedWatchServiceException.class, service::poll);
  }

  @Test
  void jimfsPollingServiceWorksUnderneath() throws Exception {
    Configuration config =
        Configuration.unix().toBuilder()
            .setWatchServiceConfiguration(
                WatchServiceConfiguration.polling(10, TimeUnit.MILLISECONDS))
            .build();
    try (FileSystem jimfs = Jimfs.newFileSystem(config);
        FileSystem fs =
            TestRoots.open(
                Files.createDirectories(jimfs.getPath("/r")), keys, "AES-256-GCM", 4096);
        WatchService service = fs.newWatchService()) {
      Path dir = Files.createDirectories(fs.getPath("/d"));
      WatchKey key = dir.register(service, ENTRY_CREATE, ENTRY_DELETE);
      Files.writeString(dir.resolve("one"), "1");
      Set<String> seen = collect(service, key, "ENTRY_CREATE one");
      assertTrue(seen.contains("ENTRY_CREATE one"), seen.toString());
      Files.delete(dir.resolve("one"));
      Set<String> deleted = collect(service, key, "ENTRY_DELETE one");
      assertTrue(deleted.contains("ENTRY_DELETE one"), deleted.toString());
    }
  }
}
