package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.*;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.Algorithm;
import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.RootInfo;
import io.encryptedfs.keystore.Pkcs12KeyStore;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Provider operations beyond plain channels: async channels, links, closing, info, URIs. */
class ProviderSurfaceTest {
  @TempDir static Path tmp;

  static Stream<Arguments> underlying() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    return Stream.of(
        Arguments.of("jimfs", jimfs.getPath("/jimfs-root")),
        Arguments.of("disk", Files.createTempDirectory(tmp, "disk-root")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("underlying")
  void closingTheFileSystemClosesItsChannels(String kind, Path dir) throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096);
    FileChannel ch =
        FileChannel.open(fs.getPath("/a.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    byte[] data = new byte[5000];
    new java.util.Random(5).nextBytes(data);
    ch.write(ByteBuffer.wrap(data));
    fs.close();
    assertFalse(ch.isOpen());
    assertThrows(ClosedChannelException.class, () -> ch.write(ByteBuffer.wrap(new byte[1])));
    ch.close(); // closing again is harmless
    try (FileSystem again = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertArrayEquals(data, Files.readAllBytes(again.getPath("/a.bin")));
      assertEquals(0, FsInternals.openFileCount(again), "no file left open by the read");
    }
  }

  /**
   * As {@code FileSystem.close} specifies, a directory stream is closed with its file system: its
   * iterator ends, as a closed stream's does, rather than go on giving paths of a closed file
   * system (a service's cleanup thread listing a directory while the service shuts down).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("underlying")
  void closingTheFileSystemClosesItsDirectoryStreams(String kind, Path dir) throws Exception {
    FileSystem fs = TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096);
    for (int i = 0; i < 5; i++) {
      Files.writeString(fs.getPath("/f" + i), "x");
    }
    DirectoryStream<Path> listing = Files.newDirectoryStream(fs.getPath("/"));
    java.util.Iterator<Path> it = listing.iterator();
    assertTrue(it.hasNext());
    it.next();
    fs.close();
    assertFalse(it.hasNext(), "entries after the close");
    listing.close(); // closing again is harmless
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("underlying")
  void asynchronousChannelReadsWritesAndLocks(String kind, Path dir) throws Exception {
    try (FileSystem fs = TestRoots.open(dir, new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path p = fs.getPath("/async.bin");
      byte[] data = new byte[10_000];
      new java.util.Random(3).nextBytes(data);
      try (AsynchronousFileChannel ch =
          AsynchronousFileChannel.open(
              p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
        assertEquals(10_000, ch.write(ByteBuffer.wrap(data), 0).get(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> done = new CompletableFuture<>();
        ByteBuffer back = ByteBuffer.allocate(20_000);
        ch.read(
            back,
            0,
            "attachment",
            new CompletionHandler<Integer, String>() {
              @Override
              public void completed(Integer n, String a) {
                done.complete(n);
              }

              @Override
              public void failed(Throwable t, String a) {
                done.completeExceptionally(t);
              }
            });
        assertEquals(10_000, done.get(10, TimeUnit.SECONDS));
        assertArrayEquals(data, java.util.Arrays.copyOf(back.array(), 10_000));
        FileLock lock = ch.lock().get(10, TimeUnit.SECONDS);
        assertTrue(lock.isValid());
        assertSame(ch, lock.acquiredBy());
        lock.release();
        assertFalse(lock.isValid());
        ch.force(true);
        assertEquals(10_000, ch.size());
      }
      assertArrayEquals(data, Files.readAllBytes(p));
    }
  }

  /**
   * An executor thread that is interrupted (as {@code shutdownNow} does) runs the operation as the
   * JDK's asynchronous channel does, and does not close the channel for every operation after.
   */
  @Test
  void anInterruptedExecutorThreadDoesNotCloseTheAsynchronousChannel() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    ExecutorService interrupting =
        new AbstractExecutorService() {
          private volatile boolean shutdown;

          @Override
          public void execute(Runnable task) {
            Thread t =
                new Thread(
                    () -> {
                      Thread.currentThread().interrupt();
                      task.run();
                    });
            t.start();
          }

          @Override
          public void shutdown() {
            shutdown = true;
          }

          @Override
          public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
          }

          @Override
          public boolean isShutdown() {
            return shutdown;
          }

          @Override
          public boolean isTerminated() {
            return shutdown;
          }

          @Override
          public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
          }
        };
    try (FileSystem fs =
        TestRoots.open(jimfs.getPath("/root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path p = fs.getPath("/async.bin");
      Files.write(p, new byte[] {1, 2, 3, 4, 5});
      try (AsynchronousFileChannel ch =
          AsynchronousFileChannel.open(
              p, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE), interrupting)) {
        ByteBuffer back = ByteBuffer.allocate(5);
        assertEquals(5, ch.read(back, 0).get(10, TimeUnit.SECONDS));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, back.array());
        assertTrue(ch.isOpen());
        assertEquals(1, ch.write(ByteBuffer.wrap(new byte[] {9}), 5).get(10, TimeUnit.SECONDS));
        assertEquals(6, ch.size());
      }
    }
  }

  @Test
  void symbolicLinksStayInsideTheRoot() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    try (FileSystem fs =
        TestRoots.open(jimfs.getPath("/root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Files.createDirectories(fs.getPath("/data/sub"));
      Files.writeString(fs.getPath("/data/real.txt"), "through the link");
      Path link = fs.getPath("/data/sub/link.txt");
      Files.createSymbolicLink(link, fs.getPath("/data/real.txt"));
      assertEquals(fs.getPath("../real.txt"), Files.readSymbolicLink(link));
      assertTrue(Files.isSymbolicLink(link));
      assertEquals("through the link", Files.readString(link));
      assertEquals(16, Files.size(link));
      assertEquals(fs.getPath("/data/real.txt"), link.toRealPath());
      assertTrue(
          Files.readAttributes(link, "basic:isSymbolicLink", LinkOption.NOFOLLOW_LINKS)
              .get("isSymbolicLink")
              .equals(true));
      // On disk the link is a relative link between the raw files.
      assertEquals(
          jimfs.getPath("../real.txt"),
          Files.readSymbolicLink(jimfs.getPath("/root/data/sub/link.txt")));
      assertThrows(
          FileSystemException.class,
          () -> Files.createSymbolicLink(fs.getPath("/escape"), fs.getPath("../../etc/passwd")));
    }
  }

  @Test
  void infoReportsHowNewFilesAreMade() throws Exception {
    FileSystem jimfs = Jimfs.newFileSystem(Configuration.unix());
    try (FileSystem fs =
        TestRoots.open(
            jimfs.getPath("/r"), new InMemoryKeys("master"), "CHACHA20-POLY1305", 65536)) {
      RootInfo info = EncryptedFileSystems.info(fs);
      assertEquals(new RootInfo(1, Algorithm.CHACHA20_POLY1305, 65536, "master"), info);
    }
    assertThrows(IllegalArgumentException.class, () -> EncryptedFileSystems.info(jimfs));
  }

  @Test
  void aRegularFileFallsThroughToTheZipProvider() throws Exception {
    Path zip = tmp.resolve("plain.zip");
    try (FileSystem created =
        java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
      Files.writeString(created.getPath("/inside.txt"), "zip content");
    }
    // FileSystems.newFileSystem(Path) asks every installed provider; ours must refuse a regular
    // file with UnsupportedOperationException so that the zip provider gets it.
    try (FileSystem opened = java.nio.file.FileSystems.newFileSystem(zip)) {
      assertEquals("jar", opened.provider().getScheme());
      assertEquals("zip content", Files.readString(opened.getPath("/inside.txt")));
    }
  }

  @Test
  void wrongKeystorePasswordIsRefusedAndNothingIsWritten() throws Exception {
    Path keystore = tmp.resolve("wrong-pw.p12");
    try (Pkcs12KeyStore ks = Pkcs12KeyStore.create(keystore, "right-password".toCharArray())) {
      ks.generateKey("master");
    }
    Path dir = tmp.resolve("wrong-pw-root");
    java.util.Map<String, Object> env =
        java.util.Map.of(
            "keystore", keystore.toString(),
            "keystore.password", "wrong-password",
            "create", "true");
    io.encryptedfs.keystore.WrongPasswordException e =
        assertThrows(
            io.encryptedfs.keystore.WrongPasswordException.class,
            () -> EncryptedFileSystems.newFileSystem(dir, env));
    assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
    assertFalse(Files.exists(dir), "nothing may be created when the keys cannot be opened");
  }

  @Test
  void pathsGetWorksFromSystemPropertiesAlone() throws Exception {
    Path keystore = tmp.resolve("props.p12");
    char[] password = "props-password".toCharArray();
    try (Pkcs12KeyStore ks = Pkcs12KeyStore.create(keystore, password)) {
      ks.generateKey("master");
    }
    Path dir = tmp.resolve("props-root");
    System.setProperty("encryptedfs.keystore", keystore.toString());
    System.setProperty("encryptedfs.keystore.password", "props-password");
    System.setProperty("encryptedfs.create", "true");
    try {
      URI uri = URI.create(EncryptedFileSystems.uriOf(dir) + "!/hello.txt");
      Path p = Paths.get(uri);
      Files.writeString(p, "configured without code", StandardCharsets.UTF_8);
      assertEquals("configured without code", Files.readString(p));
      assertEquals(uri, p.toUri());
      p.getFileSystem().close();
    } finally {
      System.clearProperty("encryptedfs.keystore");
      System.clearProperty("encryptedfs.keystore.password");
      System.clearProperty("encryptedfs.create");
    }
  }
}
