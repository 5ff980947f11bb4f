package io.encryptedfs.nio;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A permission change with {@code NOFOLLOW_LINKS} never goes through a symbolic link to its target,
 * whatever the JDK's own file system does (JDK 25 follows it there).
 */
class LinkModesTest {
  private static final Set<PosixFilePermission> NONE = Set.of();

  private interface Change {
    void to(Path link) throws IOException;
  }

  /** Each way of changing permissions without following links. */
  private static final List<Change> CHANGES =
      List.of(
          link ->
              Files.getFileAttributeView(link, PosixFileAttributeView.class, NOFOLLOW_LINKS)
                  .setPermissions(NONE),
          link -> Files.setAttribute(link, "posix:permissions", NONE, NOFOLLOW_LINKS),
          link -> Files.setAttribute(link, "unix:permissions", NONE, NOFOLLOW_LINKS),
          link -> Files.setAttribute(link, "unix:mode", 0, NOFOLLOW_LINKS));

  @Test
  void onTheDiskTheChangeFailsAndTheTargetKeepsItsPermissions(@TempDir Path tmp)
      throws IOException {
    Path rawRoot = tmp.resolve("root");
    try (FileSystem fs = TestRoots.open(rawRoot, new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path target = Files.writeString(fs.getPath("/f"), "kept");
      String before = permissions(target);
      String rawBefore = permissions(rawRoot.resolve("f"));
      for (String stored : List.of("f", "/f", "d/../f")) {
        Files.createDirectories(fs.getPath("/d"));
        Path link = Files.createSymbolicLink(fs.getPath("/l"), fs.getPath(stored));
        Path linkTarget = Files.readSymbolicLink(link);
        for (Change change : CHANGES) {
          FileSystemException e = assertThrows(FileSystemException.class, () -> change.to(link));
          assertEquals(FileSystemException.class, e.getClass(), stored);
          assertEquals("/l", e.getFile(), stored);
          assertEquals(LinkModes.REASON, e.getReason(), stored);
          assertEquals(before, permissions(target), stored);
          assertEquals(rawBefore, permissions(rawRoot.resolve("f")), stored);
          assertEquals(linkTarget, Files.readSymbolicLink(link), "the link stays");
        }
        Files.delete(link);
      }
    }
  }

  @Test
  void onTheDiskAFileThatIsNoLinkChangesAsBefore(@TempDir Path tmp) throws IOException {
    try (FileSystem fs =
        TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path file = Files.writeString(fs.getPath("/f"), "x");
      for (Change change : CHANGES) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        change.to(file);
        assertEquals("---------", permissions(file));
      }
    }
  }

  @Test
  void onJimfsTheLinkItselfChangesAsJimfsDoes() throws IOException {
    Configuration posix =
        Configuration.unix().toBuilder().setAttributeViews("basic", "posix").build();
    try (FileSystem jimfs = Jimfs.newFileSystem(posix);
        FileSystem fs =
            TestRoots.open(
                jimfs.getPath("/root"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path target = Files.writeString(fs.getPath("/f"), "kept");
      String before = permissions(target);
      // Jimfs keeps no unix view to set, so the first two ways only; a new link for each.
      for (Change change : CHANGES.subList(0, 2)) {
        Path link = Files.createSymbolicLink(fs.getPath("/l" + CHANGES.indexOf(change)), target);
        change.to(link);
        assertEquals(
            "---------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(link, NOFOLLOW_LINKS)));
        assertEquals(before, permissions(target));
      }
    }
  }

  private static String permissions(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
