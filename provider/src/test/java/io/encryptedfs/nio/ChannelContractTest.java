package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FileChannel and Files contract of an encrypted file, on Jimfs and on the real disk: exception
 * types (and paths in messages), open options, locks, Files round trips, no plaintext at rest, and
 * no open-file leaks. {@link ChannelConcurrencyContractTest} has the contract under concurrent use.
 */
class ChannelContractTest {
  private static final int B = ContractRoot.BLOCK;

  private ContractRoot root;
  private FileSystem fs;
  private Path dir;

  private void setUp(String kind) throws IOException {
    root = ContractRoot.open(kind);
    fs = root.fs();
    dir = root.dir();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (root != null) {
      root.close();
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"jimfs", "disk"})
  void modeAndStateExceptionsMatchTheJdk(String kind) throws Exception {
    setUp(kind);
    Path f = fs.getPath("/f.bin");
    Files.write(f, random(100, 1));
    try (FileChannel wo = FileChannel.open(f, StandardOpenOption.WRITE);
        FileChannel ro = FileChannel.open(f, StandardOpenOption.READ)) {
      assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1)));
      assertThrows(NonReadableChannelException.class, () -> wo.read(ByteBuffer.allocate(1), 0));
      assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1)));
      assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
      assertThrows(NonWritableChannelException.class, () -> ro.truncate(0));
      assertThrows(IllegalArgumentException.class, () -> ro.position(-1));
      assertThrows(IllegalArgumentException.class, () -> ro.read(ByteBuffer.allocate(1), -1));
      assertThrows(IllegalArgumentException.class, () -> wo.write(ByteBuffer.allocate(1), -1));
      assertThrows(IllegalArgumentException.class, () -> wo.truncate(-1));
      // A shared lock needs read access, an exclusive one write access, as in the JDK.
      assertThrows(NonReadableChannelException.class, () -> wo.lock(0, 10, true));
      assertThrows(NonWritableChannelException.class, () -> ro.lock(0, 10, false));
      UnsupportedOperationException e =
          assertThrows(
              UnsupportedOperationException.class,
              () -> ro.map(FileChannel.MapMode.READ_ONLY, 0, 10));
      assertNotNull(e.getMessage());
      assertFalse(e.getMessage().isBlank());
    }
    FileChannel closed = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
    closed.close();
    assertThrows(ClosedChannelException.class, () -> closed.read(ByteBuffer.allocate(1)));
    assertThrows(ClosedChannelException.class, () -> closed.write(ByteBuffer.allocate(1)));
    assertThrows(ClosedChannelException.class, closed::position);
    assertThrows(ClosedChannelException.class, closed::size);
    assertThrows(ClosedChannelException.class, () -> closed.truncate(0));
    assertThrows(ClosedChannelException.class, () -> closed.force(true));
    assertThrows(ClosedChannelException.class, () -> closed.lock());
    // Closing twice is allowed.
    closed.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jimfs", "disk"})
  void openErrorsNameTheEncryptedPath(String kind) throws Exception {
    setUp(kind);
    Path missing = fs.getPath("/missing.bin");
    NoSuchFileException nsf =
        assertThrows(
            NoSuchFileException.class, () -> FileChannel.open(missing, StandardOpenOption.READ));
    assertEquals("/missing.bin", nsf.getFile());
    assertFalse(nsf.getMessage().contains(dir.toString()), nsf.getMessage());
    assertThrows(
        NoSuchFileException.class, () -> FileChannel.open(missing, StandardOpenOption.WRITE));

    Path f = fs.getPath("/exists.bin");
    Files.write(f, new byte[] {1});
    FileAlreadyExistsException fae =
        assertThrows(
            FileAlreadyExistsException.class,
            () -> FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
    assertEquals("/exists.bin", fae.getFile());
    assertFalse(fae.getMessage().contains(dir.toString()), fae.getMessage());
    // Also while the file is open (the registry path, not the underlying provider).
    try (FileChannel open = FileChannel.open(f, StandardOpenOption.READ)) {
      FileAlreadyExistsException again =
          assertThrows(
              FileAlreadyExistsException.class,
              () -> FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
      assertEquals("/exists.bin", again.getFile());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jimfs", "disk"})
  void locksAreValidAndReleasedOnClose(String kind) throws Exception {
    setUp(kind);
    Path f = fs.getPath("/lock.bin");
    FileLock exclusive;
    FileLock shared;
    FileChannel rw =
        FileChannel.open(
            f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try (rw) {
      exclusive = rw.lock(0, 100, false);
      assertTrue(exclusive.isValid());
      assertFalse(exclusive.isShared());
      assertTrue(exclusive.overlaps(50, 10));
      assertEquals(rw, exclusive.channel());
      shared = rw.tryLock(1000, 10, true);
      assertNotNull(shared);
      assertTrue(shared.isValid());
      exclusive.release();
      assertFalse(exclusive.isValid());
    }
    assertFalse(shared.isValid(), "locks are released when their channel closes");
    // The range can be locked again once released.
    try (FileChannel again = FileChannel.open(f, StandardOpenOption.WRITE);
        FileLock l = again.tryLock()) {
      assertNotNull(l);
      assertTrue(l.isValid());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jimfs", "disk"})
  void openOptionsAndFilesRoundTrips(String kind) throws Exception {
    setUp(kind);
    Path f = fs.getPath("/data.bin");
    byte[] data = random(3 * B + 17, 2);
    Files.write(f, data);
    assertArrayEquals(data, Files.readAllBytes(f));
    assertEquals(data.length, Files.size(f), "Files.size is the cleartext size");
    assertTrue(Files.size(dir.resolve("data.bin")) > data.length, "raw file carries overhead");

    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      assertEquals(0, ch.size());
    }
    assertEquals(0, Files.size(f));
    assertEquals(0, Files.readAllBytes(f).length);

    try (OutputStream out = Files.newOutputStream(f)) {
      out.write(data);
    }
    try (InputStream in = Files.newInputStream(f)) {
      assertArrayEquals(data, in.readAllBytes());
    }
    Path text = fs.getPath("/t.txt");
    try (BufferedWriter w = Files.newBufferedWriter(text)) {
      for (int i = 0; i < 2000; i++) {
        w.write("line " + i + "\n");
      }
    }
    List<String> lines = Files.readAllLines(text, StandardCharsets.UTF_8);
    assertEquals(2000, lines.size());
    assertEquals("line 1999", lines.get(1999));

    Path temp = fs.getPath("/temp.bin");
    try (FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            StandardOpenOption.DELETE_ON_CLOSE)) {
      ch.write(ByteBuffer.wrap(data));
      assertFalse(Files.exists(temp), "the name goes at once, as on the default file system");
      assertEquals(data.length, ch.size());
    }
    assertFalse(Files.exists(temp), "DELETE_ON_CLOSE deletes the file");
    assertFalse(Files.exists(dir.resolve("temp.bin")), "and its raw file");
  }

  /** Scans the raw bytes of every file for any 16-byte window of the plaintext. */
  @ParameterizedTest
  @ValueSource(strings = {"jimfs", "disk"})
  void noPlaintextAtRest(String kind) throws Exception {
    setUp(kind);
    // A distinctive, low-entropy pattern (which a broken cipher mode would leak in the clear),
    // covering full blocks and a partial tail block.
    byte[] plain = new byte[5 * B + 1234];
    for (int i = 0; i < plain.length; i++) {
      plain[i] = (byte) ("encryptedfs-secret-".charAt(i % 19) + (i / 4096));
    }
    Files.write(fs.getPath("/p.bin"), plain);
    try (FileChannel ch = FileChannel.open(fs.getPath("/p.bin"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(plain, 0, 100), plain.length); // a tail rewrite as well
    }
    Set<String> windows = new HashSet<>();
    for (int i = 0; i + 16 <= plain.length; i++) {
      windows.add(new String(plain, i, 16, StandardCharsets.ISO_8859_1));
    }
    List<Path> raws;
    try (Stream<Path> s = Files.walk(dir)) {
      raws = s.filter(Files::isRegularFile).toList();
    }
    assertFalse(raws.isEmpty());
    for (Path raw : raws) {
      byte[] bytes = Files.readAllBytes(raw);
      for (int i = 0; i + 16 <= bytes.length; i++) {
        String w = new String(bytes, i, 16, StandardCharsets.ISO_8859_1);
        assertFalse(windows.contains(w), () -> "plaintext in " + raw);
      }
    }
  }
}
