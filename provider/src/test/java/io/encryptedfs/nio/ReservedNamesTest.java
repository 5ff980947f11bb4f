package io.encryptedfs.nio;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * No call through the file system creates an entry whose name starts with the root marker's, in any
 * directory, and a refused call changes nothing; an entry so named that is there already (another
 * program made it on the underlying path) is listed, read, written, copied, moved away and deleted
 * as before, and a creating call on it fails as on any existing entry.
 */
class ReservedNamesTest {
  private static final List<String> NAMES =
      List.of(EncryptedFileSystem.MARKER, ".encryptedfs-x", ".encryptedfs.tmp");
  private static final Configuration POSIX =
      Configuration.unix().toBuilder().setAttributeViews("basic", "posix", "owner").build();

  /** Asserts that {@code call} is refused for the reserved name of {@code p}, and only so. */
  static void assertRefused(Path p, Executable call) {
    FileSystemException e = assertThrows(FileSystemException.class, call, p.toString());
    assertEquals(FileSystemException.class, e.getClass(), p + ": " + e);
    assertEquals(p.toString(), e.getFile(), e.toString());
    assertNull(e.getOtherFile(), e.toString());
    assertEquals(ReservedNames.REASON, e.getReason(), e.toString());
  }

  @Test
  void onJimfs() throws IOException {
    try (FileSystem jimfs = Jimfs.newFileSystem(POSIX)) {
      creatingCallsAreRefusedAndChangeNothing(Files.createDirectory(jimfs.getPath("/base")));
      existingEntriesStayUsable(jimfs.getPath("/existing-root"));
    }
  }

  @Test
  void onTheDisk(@TempDir Path tmp) throws IOException {
    creatingCallsAreRefusedAndChangeNothing(Files.createDirectory(tmp.resolve("base")));
    existingEntriesStayUsable(tmp.resolve("existing-root"));
  }

  private static void creatingCallsAreRefusedAndChangeNothing(Path base) throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    Path foreign = Files.writeString(base.resolve("plain.txt"), "plain");
    try (FileSystem fs = TestRoots.open(base.resolve("root"), keys, "AES-256-GCM", 4096);
        FileSystem other = TestRoots.open(base.resolve("other"), keys, "AES-256-GCM", 4096)) {
      Path existing = Files.writeString(fs.getPath("/existing"), "keep");
      Path sub = Files.createDirectories(fs.getPath("/d/sub"));
      Path link = Files.createSymbolicLink(fs.getPath("/link"), fs.getPath("existing"));
      Path elsewhere = Files.writeString(other.getPath("/o"), "other");
      List<String> before = rawTree(base);
      for (String dir : List.of("/", "/d/")) {
        for (String name : NAMES) {
          Path p = fs.getPath(dir + name);
          Map<String, Executable> calls = new LinkedHashMap<>();
          calls.put("createFile", () -> Files.createFile(p));
          calls.put("CREATE_NEW", () -> Files.newByteChannel(p, WRITE, CREATE_NEW).close());
          calls.put("newOutputStream", () -> Files.newOutputStream(p).close());
          calls.put("CREATE", () -> FileChannel.open(p, WRITE, CREATE).close());
          calls.put("CREATE APPEND", () -> Files.writeString(p, "x", CREATE, APPEND));
          calls.put(
              "CREATE TRUNCATE", () -> Files.write(p, new byte[1], CREATE, TRUNCATE_EXISTING));
          calls.put("async", () -> AsynchronousFileChannel.open(p, WRITE, CREATE).close());
          calls.put("copy from stream", () -> Files.copy(new ByteArrayInputStream(new byte[1]), p));
          calls.put("createDirectory", () -> Files.createDirectory(p));
          calls.put("createDirectories", () -> Files.createDirectories(p));
          calls.put("createSymbolicLink", () -> Files.createSymbolicLink(p, existing));
          calls.put("copy", () -> Files.copy(existing, p));
          calls.put("copy REPLACE", () -> Files.copy(existing, p, REPLACE_EXISTING));
          calls.put("copy directory", () -> Files.copy(sub, p));
          calls.put("copy link", () -> Files.copy(link, p, NOFOLLOW_LINKS));
          calls.put("copy across roots", () -> Files.copy(elsewhere, p));
          calls.put("copy foreign", () -> Files.copy(foreign, p));
          calls.put("move", () -> Files.move(existing, p));
          calls.put("move REPLACE", () -> Files.move(existing, p, REPLACE_EXISTING));
          calls.put("move ATOMIC", () -> Files.move(existing, p, ATOMIC_MOVE));
          calls.put("move directory", () -> Files.move(sub, p));
          calls.put("move across roots", () -> Files.move(elsewhere, p, REPLACE_EXISTING));
          calls.put("move foreign", () -> Files.move(foreign, p, REPLACE_EXISTING));
          for (Map.Entry<String, Executable> call : calls.entrySet()) {
            assertRefused(p, call.getValue());
            assertEquals(before, rawTree(base), p + " " + call.getKey());
          }
        }
        FileSystemException temp =
            assertThrows(
                FileSystemException.class,
                () -> Files.createTempFile(fs.getPath(dir), EncryptedFileSystem.MARKER, null));
        assertEquals(ReservedNames.REASON, temp.getReason());
        assertTrue(temp.getFile().startsWith(dir + EncryptedFileSystem.MARKER), temp.getFile());
        assertEquals(before, rawTree(base), dir + " createTempFile");
      }
      assertEquals("keep", Files.readString(existing));
      assertEquals("other", Files.readString(elsewhere));
    }
    // The root's own marker is intact: the root opens with its key.
    try (FileSystem fs = TestRoots.open(base.resolve("root"), keys, "AES-256-GCM", 4096)) {
      assertEquals("keep", Files.readString(fs.getPath("/existing")));
    }
  }

  private static void existingEntriesStayUsable(Path dir) throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Path existing = Files.writeString(fs.getPath("/existing"), "keep");
      Path d = Files.createDirectory(fs.getPath("/d"));
      // Made as another program would: an encrypted file renamed on the underlying path.
      for (String name : NAMES) {
        Files.writeString(fs.getPath("/d/made"), "was " + name);
        Files.move(dir.resolve("d/made"), dir.resolve("d").resolve(name));
      }
      Files.createDirectory(dir.resolve("d/.encryptedfs-cache"));
      try (Stream<Path> listed = Files.list(d)) {
        assertEquals(
            List.of(
                "/d/.encryptedfs",
                "/d/.encryptedfs-cache",
                "/d/.encryptedfs-x",
                "/d/.encryptedfs.tmp"),
            listed.map(Path::toString).sorted().toList());
      }
      int n = 0;
      for (String name : NAMES) {
        Path p = d.resolve(name);
        assertEquals("was " + name, Files.readString(p));
        Files.writeString(p, "written"); // CREATE, TRUNCATE_EXISTING: opens it
        Files.writeString(p, " more", CREATE, APPEND);
        assertEquals("written more", Files.readString(p));
        for (Executable call :
            List.<Executable>of(
                () -> Files.createFile(p),
                () -> Files.createDirectory(p),
                () -> Files.createSymbolicLink(p, existing),
                () -> Files.copy(existing, p),
                () -> Files.move(existing, p))) {
          FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, call);
          assertEquals(p.toString(), e.getFile());
        }
        // Replacing it would put a new entry under the name: refused, the old one left whole.
        assertRefused(p, () -> Files.copy(existing, p, REPLACE_EXISTING));
        assertRefused(p, () -> Files.move(existing, p, REPLACE_EXISTING));
        assertEquals("written more", Files.readString(p));
        assertEquals("keep", Files.readString(existing));
        Files.move(p, p); // onto itself: nothing to do, as on any file
        Path copy = Files.copy(p, d.resolve("copy" + n));
        assertEquals("written more", Files.readString(copy));
        Path moved = Files.move(p, d.resolve("moved" + n));
        assertEquals("written more", Files.readString(moved));
        assertFalse(Files.exists(p, NOFOLLOW_LINKS));
        assertRefused(p, () -> Files.move(moved, p)); // back under its old name: a new entry
        n++;
      }
      Path cache = Files.createDirectories(d.resolve(".encryptedfs-cache"));
      Files.writeString(cache.resolve("entry"), "cached");
      assertEquals("cached", Files.readString(cache.resolve("entry")));
      Files.delete(cache.resolve("entry"));
      Files.delete(cache);
      Files.move(dir.resolve("d/moved0"), dir.resolve("d").resolve(EncryptedFileSystem.MARKER));
      Files.delete(d.resolve(EncryptedFileSystem.MARKER));
      try (Stream<Path> listed = Files.list(d)) {
        assertEquals(
            List.of("/d/copy0", "/d/copy1", "/d/copy2", "/d/moved1", "/d/moved2"),
            listed.map(Path::toString).sorted().toList());
      }
      // README "Known limits": the JDK's copy from another file system deletes the target first.
      Path foreign = Files.writeString(dir.resolveSibling("plain.txt"), "plain");
      Files.move(dir.resolve("d/moved1"), dir.resolve("d/.encryptedfs-x"));
      Path p = d.resolve(".encryptedfs-x");
      assertRefused(p, () -> Files.copy(foreign, p, REPLACE_EXISTING));
      assertFalse(Files.exists(p, NOFOLLOW_LINKS));
      assertEquals("plain", Files.readString(foreign));
    }
  }

  /**
   * Every entry below {@code base}, with its kind, its content's hash and its modification time, a
   * directory's included: a call that made an entry and took it away again changes that.
   */
  static List<String> rawTree(Path base) throws IOException {
    List<String> entries = new ArrayList<>();
    try (Stream<Path> all = Files.walk(base)) {
      for (Path p : (Iterable<Path>) all.sorted()::iterator) {
        String kind =
            Files.isSymbolicLink(p)
                ? "-> " + Files.readSymbolicLink(p)
                : Files.isDirectory(p, NOFOLLOW_LINKS)
                    ? "dir"
                    : "file " + Arrays.hashCode(Files.readAllBytes(p));
        entries.add(
            base.relativize(p) + " " + kind + " " + Files.getLastModifiedTime(p, NOFOLLOW_LINKS));
      }
    }
    return entries;
  }
}
