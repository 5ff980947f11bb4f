package io.encryptedfs.faults;

import static io.encryptedfs.faults.JimfsFaults.bytes;
import static io.encryptedfs.faults.JimfsFaults.text;
import static io.encryptedfs.faults.JimfsFaults.write;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultFileSystemOperationsTest {
  private final JimfsFaults fixture = new JimfsFaults();
  private final Path root = fixture.root();

  FaultFileSystemOperationsTest() throws IOException {}

  @AfterEach
  void close() throws IOException {
    fixture.close();
  }

  @Test
  void streamsAndChannelsReadWhatWasWritten() throws IOException {
    Path file = root.resolve("f.txt");

    Files.write(file, List.of("one", "two"));
    try (FileChannel channel = FileChannel.open(file, WRITE, APPEND)) {
      write(channel, "three\n");
    }

    assertEquals(List.of("one", "two", "three"), Files.readAllLines(file));
    assertEquals("one\ntwo\nthree\n", fixture.underlyingContent("f.txt"));
    assertEquals(14, Files.size(file));
    try (FileChannel channel = FileChannel.open(file, READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(3);
      channel.read(buffer, 4);
      assertEquals("two", text(buffer.array()));
      assertEquals(0, channel.position());
    }
  }

  @Test
  void openOptionsFailAsTheUnderlyingFileSystemDoes() throws IOException {
    Path file = root.resolve("f");
    Files.write(file, bytes("content"));

    assertThrows(FileAlreadyExistsException.class, () -> FileChannel.open(file, CREATE_NEW, WRITE));
    assertThrows(NoSuchFileException.class, () -> FileChannel.open(root.resolve("missing")));
    assertSameFailure(fixture.underlyingRoot.resolve("f"), file, READ, APPEND);
    try (FileChannel channel = FileChannel.open(file, READ)) {
      assertThrows(NonWritableChannelException.class, () -> write(channel, "x"));
      assertThrows(NonWritableChannelException.class, () -> channel.truncate(0));
    }
    FileChannel.open(file, WRITE, TRUNCATE_EXISTING).close();
    assertEquals(0, Files.size(file));
    FileChannel.open(root.resolve("g"), CREATE, WRITE).close();
    assertTrue(Files.exists(root.resolve("g")));
  }

  private static void assertSameFailure(Path underlying, Path fault, OpenOption... options) {
    Exception expected = assertThrows(Exception.class, () -> FileChannel.open(underlying, options));
    Exception actual = assertThrows(Exception.class, () -> FileChannel.open(fault, options));
    assertSame(expected.getClass(), actual.getClass());
  }

  @Test
  void directoriesListAndWalkAsFaultPaths() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Files.write(root.resolve("a/x.log"), bytes("1"));
    Files.write(root.resolve("a/b/y.dat"), bytes("2"));

    List<Path> logs = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(root.resolve("a"), "*.log")) {
      stream.forEach(logs::add);
    }
    List<Path> walked;
    try (Stream<Path> stream = Files.walk(root)) {
      walked = stream.collect(Collectors.toList());
    }

    assertEquals(List.of(root.resolve("a/x.log")), logs);
    assertEquals(5, walked.size());
    assertTrue(walked.stream().allMatch(p -> p.getFileSystem() == fixture.faults));
    assertTrue(walked.contains(root.resolve("a/b/y.dat")));
  }

  @Test
  void deleteMoveAndCopyChangeTheTree() throws IOException {
    Files.createDirectories(root.resolve("dir"));
    Files.write(root.resolve("dir/a"), bytes("a"));
    Files.write(root.resolve("b"), bytes("b"));

    Files.move(root.resolve("dir"), root.resolve("moved"), StandardCopyOption.ATOMIC_MOVE);
    Files.copy(root.resolve("moved/a"), root.resolve("b"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(root.resolve("b"), root.resolve("c"));
    Files.delete(root.resolve("moved/a"));

    assertEquals(Set.of("b", "c"), fixture.faults.recording().files().keySet());
    assertEquals(Set.of("moved"), fixture.faults.recording().directories());
    assertEquals("a", fixture.underlyingContent("c"));
    assertThrows(
        FileAlreadyExistsException.class, () -> Files.copy(root.resolve("b"), root.resolve("c")));
    assertThrows(NoSuchFileException.class, () -> Files.delete(root.resolve("moved/a")));
  }

  @Test
  void attributesAccessAndStoresAreDelegated() throws IOException {
    Path file = root.resolve("f");
    Files.write(file, bytes("12345"));

    Files.getFileAttributeView(file, PosixFileAttributeView.class)
        .setPermissions(PosixFilePermissions.fromString("rw-------"));

    assertEquals(5, Files.readAttributes(file, BasicFileAttributes.class).size());
    assertEquals(5L, Files.getAttribute(file, "basic:size"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    file.getFileSystem().provider().checkAccess(file, AccessMode.READ);
    assertTrue(Files.isSameFile(file, root.resolve("../data/f")));
    assertFalse(Files.isSameFile(file, fixture.underlyingRoot.resolve("f")));
    assertFalse(Files.isHidden(file));
    assertNotNull(Files.getFileStore(file));
    assertTrue(Files.isDirectory(root));
  }

  @Test
  void locksBelongToTheFaultChannel() throws IOException {
    try (FileChannel channel = FileChannel.open(root.resolve("lock"), CREATE, WRITE)) {
      FileLock lock = channel.lock();
      assertSame(channel, lock.channel());
      assertTrue(lock.isValid());
      lock.release();
      assertFalse(lock.isValid());
      FileLock shared = channel.tryLock(0, 10, false);
      assertSame(channel, shared.channel());
      channel.close();
      assertFalse(shared.isValid());
    }
  }

  @Test
  void writesThatCannotBeRecordedAreRefused() throws IOException {
    Path file = root.resolve("f");
    FileChannel channel = FileChannel.open(file, CREATE, READ, WRITE);

    assertThrows(
        UnsupportedOperationException.class,
        () -> channel.map(FileChannel.MapMode.READ_WRITE, 0, 1));
    assertThrows(
        UnsupportedOperationException.class,
        () -> Files.createSymbolicLink(root.resolve("link"), file));
    channel.close();
    assertThrows(ClosedChannelException.class, () -> write(channel, "x"));
    assertThrows(ClosedChannelException.class, () -> channel.force(true));
    assertEquals(List.of(), fixture.faults.recording().file("f").unforced());
  }

  @Test
  void aFailingTruncateChangesNothingUntilTruncatesWorkAgain() throws IOException {
    Path file = root.resolve("f");
    try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE)) {
      write(channel, "hello world");
      channel.force(true);
      fixture.faults.failTruncates(path -> path.getFileName().toString().equals("f"));

      IOException e = assertThrows(IOException.class, () -> channel.truncate(5));

      assertEquals("Input/output error", e.getMessage());
      assertEquals(11, channel.size());
      assertEquals(List.of(), fixture.faults.recording().file("f").unforced());
      fixture.faults.failTruncates(path -> false);
      channel.truncate(5);
      assertEquals(5, channel.size());
    }
    assertEquals("hello", JimfsFaults.content(fixture.faults.crash(CrashPlan.processCrash()), "f"));
    assertEquals(
        "hello world", JimfsFaults.content(fixture.faults.crash(CrashPlan.powerLoss()), "f"));
  }

  @Test
  void aFailingDeleteNamesThePathAndDeletesNothingUntilDeletesWorkAgain() throws IOException {
    Path file = Files.writeString(root.resolve("f"), "kept");
    Path dir = Files.createDirectory(root.resolve("d"));
    fixture.faults.failDeletes(path -> !path.getFileName().toString().equals("other"));
    Path other = Files.writeString(root.resolve("other"), "x");

    FileSystemException e = assertThrows(FileSystemException.class, () -> Files.delete(file));
    assertThrows(FileSystemException.class, () -> Files.delete(dir));
    Files.delete(other);

    assertEquals(file.toString(), e.getFile());
    assertEquals(file + ": Input/output error", e.getMessage());
    assertEquals("kept", Files.readString(file));
    assertTrue(Files.isDirectory(dir));
    assertFalse(Files.exists(other));
    fixture.faults.failDeletes(path -> false);
    Files.delete(file);
    Files.delete(dir);
    assertFalse(Files.exists(file));
    assertFalse(Files.exists(dir));
  }

  @Test
  void aCutForceClosesTheChannelAndMakesNothingDurable() throws IOException {
    Path file = root.resolve("f");
    FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE);
    channel.force(true);
    write(channel, "hello");
    fixture.faults.cutForces(path -> path.getFileName().toString().equals("f"));

    assertThrows(AsynchronousCloseException.class, () -> channel.force(false));

    assertFalse(channel.isOpen());
    assertEquals("", JimfsFaults.content(fixture.faults.crash(CrashPlan.powerLoss()), "f"));
    fixture.faults.cutForces(path -> false);
    try (FileChannel again = FileChannel.open(file, READ, WRITE)) {
      again.force(false);
    }
    assertEquals("hello", JimfsFaults.content(fixture.faults.crash(CrashPlan.powerLoss()), "f"));
  }
}
