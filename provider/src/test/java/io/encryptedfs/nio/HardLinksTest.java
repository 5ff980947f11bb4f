package io.encryptedfs.nio;

import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.EncryptedFileSystems;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Files.createLink} inside an encrypted root, on the real disk: a second name of a file
 * reads, writes, moves and deletes as on the default file system, and links that could reach
 * outside the root, or into another root, are refused. What the file system's close owes a file
 * that loses a name while it has others is {@code HardLinkDurabilityTest}'s.
 */
class HardLinksTest {
  @TempDir Path tmp;

  @Test
  void aSecondNameGoesAsOnTheDefaultFileSystem() throws IOException {
    PlainAndEncrypted.assertSame(tmp, HardLinksTest::steps);
  }

  private static List<String> steps(Path dir) throws IOException {
    List<String> seen = new ArrayList<>();
    Path f = dir.resolve("f");
    Path h = dir.resolve("h");
    Files.writeString(f, "first name");
    seen.add(
        "link: "
            + BadArgumentsDifferentialTest.outcome(() -> Files.createLink(h, f).getFileName()));
    seen.add("read h: " + Files.readString(h));
    seen.add("same file: " + Files.isSameFile(f, h));
    seen.add("nlink: " + Files.getAttribute(f, "unix:nlink"));
    Files.writeString(h, " and the second", APPEND);
    seen.add("read f after append to h: " + Files.readString(f));
    seen.add("size f: " + Files.size(f));

    // Two channels through two names, both open: one file.
    try (FileChannel viaF = FileChannel.open(f, READ, WRITE);
        FileChannel viaH = FileChannel.open(h, READ, WRITE)) {
      viaF.write(ByteBuffer.wrap("FIRST".getBytes(StandardCharsets.UTF_8)), 0);
      ByteBuffer got = ByteBuffer.allocate(5);
      viaH.read(got, 0);
      seen.add(
          "read through h while f is open: " + new String(got.array(), StandardCharsets.UTF_8));
      viaH.truncate(10);
      seen.add("size through f after truncate through h: " + viaF.size());
    }
    Files.writeString(h, "rewritten", TRUNCATE_EXISTING);
    seen.add("read f after h was rewritten: " + Files.readString(f));

    seen.add(
        "link onto an existing name: "
            + BadArgumentsDifferentialTest.outcome(() -> Files.createLink(h, f)));
    seen.add(
        "link to a missing file: "
            + BadArgumentsDifferentialTest.outcome(
                () -> Files.createLink(dir.resolve("m"), dir.resolve("none"))));
    seen.add(
        "link in a missing directory: "
            + BadArgumentsDifferentialTest.outcome(() -> Files.createLink(dir.resolve("no/m"), f)));

    // A copy onto one name replaces that name only.
    Files.writeString(dir.resolve("other"), "copied");
    Files.copy(dir.resolve("other"), h, REPLACE_EXISTING);
    seen.add("after copy onto h: f=" + Files.readString(f) + " h=" + Files.readString(h));
    Files.createLink(dir.resolve("h2"), f);
    seen.add(
        "move f onto h2, the same file: "
            + BadArgumentsDifferentialTest.outcome(
                () -> Files.move(f, dir.resolve("h2"), REPLACE_EXISTING)));
    seen.add("after: f " + Files.exists(f) + ", h2 " + Files.readString(dir.resolve("h2")));
    Files.move(dir.resolve("h2"), dir.resolve("moved"));
    seen.add(
        "moved: "
            + Files.readString(dir.resolve("moved"))
            + ", nlink "
            + Files.getAttribute(dir.resolve("moved"), "unix:nlink"));
    Files.delete(f);
    seen.add(
        "after delete of f: "
            + Files.readString(dir.resolve("moved"))
            + ", nlink "
            + Files.getAttribute(dir.resolve("moved"), "unix:nlink"));
    return seen;
  }

  @Test
  void linksThatCouldLeaveTheRootOrAnotherFileSystemAreRefused() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(tmp.resolve("root"), keys, "AES-256-GCM", 4096);
        FileSystem other = TestRoots.open(tmp.resolve("other"), keys, "AES-256-GCM", 4096)) {
      Path f = Files.writeString(fs.getPath("/f"), "content");
      Files.createDirectories(fs.getPath("/d/e"));
      Files.createSymbolicLink(fs.getPath("/d/e/up"), fs.getPath("../../f"));

      FileSystemException toLink =
          assertThrows(
              FileSystemException.class,
              () -> Files.createLink(fs.getPath("/l"), fs.getPath("/d/e/up")));
      assertEquals("/d/e/up", toLink.getFile());
      assertTrue(toLink.getReason().contains("regular files only"), toLink.getMessage());
      FileSystemException toDir =
          assertThrows(
              FileSystemException.class,
              () -> Files.createLink(fs.getPath("/l"), fs.getPath("/d")));
      assertTrue(toDir.getReason().contains("is a directory"), toDir.getMessage());
      FileSystemException acrossRoots =
          assertThrows(FileSystemException.class, () -> Files.createLink(other.getPath("/l"), f));
      assertEquals("/l", acrossRoots.getFile());
      assertTrue(acrossRoots.getReason().contains("two encrypted roots"));
      assertThrows(
          ProviderMismatchException.class,
          () -> Files.createLink(fs.getPath("/l"), tmp.resolve("root/f")));
      FileSystemException reserved =
          assertThrows(
              FileSystemException.class, () -> Files.createLink(fs.getPath("/d/.encryptedfs"), f));
      assertEquals(ReservedNames.REASON, reserved.getReason());
      NoSuchFileException marker =
          assertThrows(
              NoSuchFileException.class,
              () -> Files.createLink(fs.getPath("/l"), fs.getPath("/.encryptedfs")));
      assertEquals("/.encryptedfs", marker.getFile());
      assertFalse(Files.exists(fs.getPath("/l")));
      assertFalse(Files.exists(tmp.resolve("root/l")));
      assertFalse(Files.exists(tmp.resolve("root/d/.encryptedfs")));

      // The one that is made is one underlying file with two names.
      Files.createLink(fs.getPath("/d/e/g"), f);
      assertTrue(Files.isSameFile(tmp.resolve("root/f"), tmp.resolve("root/d/e/g")));
      assertEquals("content", Files.readString(fs.getPath("/d/e/g")));
    }
  }

  @Test
  void aRewrapReachesAFileOnceWhateverItsNames() throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master", "rotated");
    Path dir = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.writeString(fs.getPath("/f"), "content");
      Files.createDirectory(fs.getPath("/d"));
      Files.createLink(fs.getPath("/d/h"), fs.getPath("/f"));
    }
    Map<String, Object> env = TestRoots.env(keys, "AES-256-GCM", 4096);
    env.remove(EncryptedFileSystems.CREATE);
    env.put(EncryptedFileSystems.KEY_ALIAS, "rotated");
    try (FileSystem fs = EncryptedFileSystems.newFileSystem(dir, env)) {
      KeyRotation.RewrapReport report = KeyRotation.rewrapAll(fs, e -> {});
      // the marker and the file, by whichever name the walk met first; the other name unchanged
      assertEquals(2, report.rewrapped(), report.toString());
      assertEquals(1, report.unchanged(), report.toString());
      assertEquals(
          Map.of("rotated", List.of("/.encryptedfs", "/d/h", "/f")), KeyRotation.usage(fs));
      assertEquals("content", Files.readString(fs.getPath("/d/h")));
    }
  }
}
