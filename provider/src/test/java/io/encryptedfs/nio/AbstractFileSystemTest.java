package io.encryptedfs.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.DamagedFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One behavioural suite of {@code java.nio.file} operations, run on an encrypted root over each
 * kind of underlying file system. Most operations run differentially: the same call on a plain
 * directory of the same underlying file system must give the same result or the same exception
 * type, and an encrypted path's exception must name the encrypted path, not the raw one.
 */
abstract class AbstractFileSystemTest {
  private DifferentialRoots roots;
  private FileSystem fs;

  /** An empty directory on the underlying file system under test. */
  abstract Path base() throws IOException;

  /** Called after the encrypted file system is closed. */
  void closeBase() throws IOException {}

  @BeforeEach
  void open() throws IOException {
    roots = new DifferentialRoots(base());
    fs = roots.fs();
  }

  @AfterEach
  void noLeaks() throws IOException {
    try {
      if (roots != null) {
        roots.close();
      }
    } finally {
      closeBase();
    }
  }

  private <T> T both(DifferentialRoots.PathOp<T> op) {
    return roots.both(op);
  }

  /** Makes the tree the tests share; returns null, so that {@link #both} can run it. */
  private static Void tree(Path root) throws IOException {
    Files.createDirectories(root.resolve("a/b/c"));
    Files.writeString(root.resolve("a/one.txt"), "one");
    Files.write(root.resolve("a/b/two.bin"), new byte[10_000]);
    Files.createFile(root.resolve("a/b/c/empty"));
    Files.writeString(root.resolve(".hidden"), "h");
    return null;
  }

  /** Relative path -> "d" or "f:size", from a walk that reads attributes as it goes. */
  private static Map<String, String> walk(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            out.put(root.relativize(dir).toString(), "d");
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            out.put(root.relativize(file).toString(), "f:" + attrs.size());
            return FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  private static List<String> names(DirectoryStream<Path> stream) throws IOException {
    try (stream) {
      List<String> out = new ArrayList<>();
      stream.forEach(p -> out.add(p.getFileName().toString()));
      out.sort(null);
      return out;
    }
  }

  @Test
  void createListWalkDelete() throws IOException {
    both(AbstractFileSystemTest::tree);
    assertEquals(
        List.of(".hidden", "a"),
        both(r -> names(Files.newDirectoryStream(r))),
        "the root marker is never listed");
    Map<String, String> walked = both(AbstractFileSystemTest::walk);
    assertEquals("f:10000", walked.get("a/b/two.bin"));
    assertEquals(8, walked.size(), walked.toString());
    try (Stream<Path> s = Files.walk(fs.getPath("/a"))) {
      assertEquals(6, s.count());
    }
    both(r -> Files.deleteIfExists(r.resolve("a/b/c/empty")));
    both(r -> Files.deleteIfExists(r.resolve("a/b/c/empty")));
    both(
        r -> {
          Files.delete(r.resolve("a/b/c"));
          return Files.exists(r.resolve("a/b/c"));
        });
  }

  @Test
  void errorsHaveTheRightTypeAndNameTheEncryptedPath() throws IOException {
    both(AbstractFileSystemTest::tree);
    both(r -> Files.readAllBytes(r.resolve("missing")));
    both(r -> Files.size(r.resolve("missing")));
    both(
        r -> {
          Files.delete(r.resolve("a/missing"));
          return null;
        });
    both(r -> Files.createDirectory(r.resolve("a/b")));
    both(r -> Files.createFile(r.resolve("a/one.txt")));
    both(
        r -> {
          Files.delete(r.resolve("a"));
          return null;
        });
    both(r -> Files.newDirectoryStream(r.resolve("a/one.txt")));
    both(r -> Files.createDirectory(r.resolve("missing/x")));

    Path a = fs.getPath("/a");
    DirectoryNotEmptyException dne =
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(a));
    assertEquals("/a", dne.getFile());
    NoSuchFileException nsf =
        assertThrows(NoSuchFileException.class, () -> Files.newInputStream(fs.getPath("/a/nope")));
    assertEquals("/a/nope", nsf.getFile());
    FileAlreadyExistsException fae =
        assertThrows(
            FileAlreadyExistsException.class, () -> Files.createFile(fs.getPath("/a/one.txt")));
    assertEquals("/a/one.txt", fae.getFile());
    fae =
        assertThrows(
            FileAlreadyExistsException.class,
            () -> Files.copy(fs.getPath("/.hidden"), fs.getPath("/a/one.txt")));
    assertEquals("/a/one.txt", fae.getFile());
    NoSuchFileException marker =
        assertThrows(
            NoSuchFileException.class, () -> Files.readAllBytes(fs.getPath("/.encryptedfs")));
    assertEquals("/.encryptedfs", marker.getFile());
  }

  @Test
  void copyReplaceExistingAndCopyAttributes() throws IOException {
    both(AbstractFileSystemTest::tree);
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    assertEquals(
        "one",
        both(
            r -> {
              Path src = r.resolve("a/one.txt");
              Files.setLastModifiedTime(src, old);
              Files.copy(src, r.resolve("copy.txt"), StandardCopyOption.COPY_ATTRIBUTES);
              return Files.readString(r.resolve("copy.txt"));
            }));
    assertEquals(old, Files.getLastModifiedTime(fs.getPath("/copy.txt")));
    both(r -> Files.copy(r.resolve("a/b/two.bin"), r.resolve("copy.txt")));
    assertEquals(
        Long.valueOf(10_000L),
        this.<Long>both(
            r -> {
              Files.copy(
                  r.resolve("a/b/two.bin"),
                  r.resolve("copy.txt"),
                  StandardCopyOption.REPLACE_EXISTING);
              return Files.size(r.resolve("copy.txt"));
            }));
    assertNotEquals(
        old, Files.getLastModifiedTime(fs.getPath("/copy.txt")), "no COPY_ATTRIBUTES, new mtime");
    // replacing a non-empty directory fails; copying a directory copies no entries
    both(
        r ->
            Files.copy(r.resolve("copy.txt"), r.resolve("a"), StandardCopyOption.REPLACE_EXISTING));
    assertEquals(
        List.of(),
        both(
            r -> {
              Files.copy(r.resolve("a"), r.resolve("a2"));
              return names(Files.newDirectoryStream(r.resolve("a2")));
            }));
    // the copy is re-encrypted: different raw bytes, same cleartext
    byte[] rawSrc = Files.readAllBytes(roots.rawRoot().resolve("a/b/two.bin"));
    byte[] rawCopy = Files.readAllBytes(roots.rawRoot().resolve("copy.txt"));
    assertFalse(java.util.Arrays.equals(rawSrc, rawCopy));
  }

  @Test
  void moveAndAtomicMove() throws IOException {
    both(AbstractFileSystemTest::tree);
    assertEquals(
        "one",
        both(
            r -> {
              Files.move(
                  r.resolve("a/one.txt"), r.resolve("moved.txt"), StandardCopyOption.ATOMIC_MOVE);
              return Files.readString(r.resolve("moved.txt"));
            }));
    both(r -> Files.exists(r.resolve("a/one.txt")));
    both(r -> Files.move(r.resolve("moved.txt"), r.resolve(".hidden")));
    assertEquals(
        "one",
        both(
            r -> {
              Files.move(
                  r.resolve("moved.txt"),
                  r.resolve(".hidden"),
                  StandardCopyOption.REPLACE_EXISTING,
                  StandardCopyOption.ATOMIC_MOVE);
              return Files.readString(r.resolve(".hidden"));
            }));
    assertEquals(
        Long.valueOf(10_000L),
        this.<Long>both(
            r -> {
              Files.move(r.resolve("a"), r.resolve("z"));
              return Files.size(r.resolve("z/b/two.bin"));
            }));
    both(r -> Files.move(r.resolve("missing"), r.resolve("x")));
  }

  @Test
  void sameFileHiddenAccessRealPath() throws IOException {
    both(AbstractFileSystemTest::tree);
    both(r -> Files.isSameFile(r.resolve("a/one.txt"), r.resolve("a/b/../one.txt")));
    both(r -> Files.isSameFile(r.resolve("a/one.txt"), r.resolve("a/b/two.bin")));
    both(r -> Files.isSameFile(r.resolve("a/one.txt"), r.resolve("a/missing")));
    both(r -> Files.isHidden(r.resolve(".hidden")));
    both(r -> Files.isHidden(r.resolve("a")));
    both(
        r -> {
          r.getFileSystem()
              .provider()
              .checkAccess(r.resolve("a/one.txt"), AccessMode.READ, AccessMode.WRITE);
          return null;
        });
    both(
        r -> {
          r.getFileSystem().provider().checkAccess(r.resolve("a/none"));
          return null;
        });
    try {
      // the default file system throws here, Jimfs answers false (both() checked they agree)
      Files.isSameFile(fs.getPath("/a/one.txt"), fs.getPath("/a/missing"));
    } catch (NoSuchFileException e) {
      assertEquals("/a/missing", e.getFile(), "names the missing encrypted path");
    }
    assertEquals(fs.getPath("/a/one.txt"), fs.getPath("a/b/../one.txt").toRealPath());
    assertEquals(fs.getPath("/"), fs.getPath("/").toRealPath());
    assertThrows(NoSuchFileException.class, () -> fs.getPath("/a/none").toRealPath());
  }

  @Test
  void attributesBasicAndPosix() throws IOException {
    both(AbstractFileSystemTest::tree);
    Path f = fs.getPath("/a/b/two.bin");
    Map<String, Object> basic = Files.readAttributes(f, "basic:size,isRegularFile,isDirectory");
    assertEquals(Map.of("size", 10_000L, "isRegularFile", true, "isDirectory", false), basic);
    assertEquals(
        both(r -> Files.readAttributes(r.resolve("a/b/two.bin"), "size,isDirectory")),
        Map.of("size", 10_000L, "isDirectory", false));
    boolean posix = roots.rawRoot().getFileSystem().supportedFileAttributeViews().contains("posix");
    assertEquals(posix, fs.supportedFileAttributeViews().contains("posix"));
    if (posix) {
      assertEquals(
          "rw-r-----",
          both(
              r -> {
                Path p = r.resolve("a/one.txt");
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r-----"));
                return PosixFilePermissions.toString(
                    Files.readAttributes(p, PosixFileAttributes.class).permissions());
              }));
      Map<String, Object> px = Files.readAttributes(f, "posix:size,permissions,owner");
      assertEquals(10_000L, px.get("size"));
      assertEquals(Files.getOwner(roots.rawRoot().resolve("a/b/two.bin")), px.get("owner"));
      assertEquals(
          Files.readAttributes(roots.rawRoot().resolve("a/b/two.bin"), PosixFileAttributes.class)
              .permissions(),
          Files.readAttributes(f, PosixFileAttributes.class).permissions());
    }
    assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(f, "size", 3L));
  }

  @Test
  void sizeIsCleartextSizeWithoutReadingTheContent() throws IOException {
    int blockSize = 4096;
    byte[] data = new byte[3 * blockSize + 123];
    new Random(3).nextBytes(data);
    Path f = fs.getPath("/data.bin");
    Files.write(f, data);
    assertEquals(data.length, Files.size(f));
    Path raw = roots.rawRoot().resolve("data.bin");
    assertNotEquals(data.length, Files.size(raw));
    // damage home block 0: reading fails, the size (from the tail record) is still known
    long firstHomeBlock = 512 + 3L * (blockSize + 64);
    try (FileChannel ch =
        FileChannel.open(raw, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, firstHomeBlock + 100);
      b.put(0, (byte) (b.get(0) ^ 1));
      ch.write(b.flip(), firstHomeBlock + 100);
    }
    assertThrows(DamagedFileException.class, () -> Files.readAllBytes(f));
    assertEquals(data.length, Files.size(f));
    assertEquals(data.length, Files.readAttributes(f, BasicFileAttributes.class).size());
  }

  @Test
  void directoryStreamGlobAndFilter() throws IOException {
    both(
        r -> {
          Files.createDirectories(r.resolve("d/sub.log"));
          for (String n : List.of("a.log", "b.log", "c.txt", "d.LOG")) {
            Files.writeString(r.resolve("d").resolve(n), n);
          }
          return null;
        });
    assertEquals(
        List.of("a.log", "b.log", "sub.log"),
        both(r -> names(Files.newDirectoryStream(r.resolve("d"), "*.log"))));
    assertEquals(
        List.of("a.log", "c.txt"),
        both(r -> names(Files.newDirectoryStream(r.resolve("d"), "{a*,c*}"))));
    assertEquals(
        List.of("a.log", "b.log", "c.txt", "d.LOG"),
        both(r -> names(Files.newDirectoryStream(r.resolve("d"), Files::isRegularFile))));
    assertEquals(
        List.of("a.log"),
        both(
            r ->
                names(
                    Files.newDirectoryStream(
                        r.resolve("d"),
                        p ->
                            Files.isRegularFile(p)
                                && Files.size(p) == 5
                                && p.getFileName().toString().startsWith("a")))));
    assertTrue(fs.getPathMatcher("glob:/d/*.log").matches(fs.getPath("/d/a.log")));
  }

  @Test
  void contentRoundTripThroughStreamsAndChannels() throws IOException {
    byte[] data = "line\n".repeat(5000).getBytes(UTF_8);
    assertEquals(
        Integer.valueOf(data.length),
        this.<Integer>both(
            r -> {
              try (var out = Files.newOutputStream(r.resolve("f"))) {
                out.write(data);
              }
              try (var ch = Files.newByteChannel(r.resolve("f"), StandardOpenOption.WRITE)) {
                ch.position(7).write(ByteBuffer.wrap("XY".getBytes(UTF_8)));
              }
              return Files.readAllBytes(r.resolve("f")).length;
            }));
    assertArrayEquals(
        Files.readAllBytes(roots.plainRoot().resolve("f")), Files.readAllBytes(fs.getPath("/f")));
  }
}
