package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A symbolic link inside the root whose target is the root's marker, by any spelling, does not
 * reach it: every call through the link goes as through a link to nothing, and the marker's bytes,
 * permissions, owner and times stay as they were.
 */
class MarkerThroughLinksTest {
  @Test
  void onTheDisk(@TempDir Path tmp) throws IOException {
    everyCallThroughALinkToTheMarkerGoesAsThroughADanglingLink(tmp.resolve("root"));
  }

  @Test
  void onJimfs() throws IOException {
    Configuration posix =
        Configuration.unix().toBuilder().setAttributeViews("basic", "posix", "owner").build();
    try (FileSystem jimfs = Jimfs.newFileSystem(posix)) {
      everyCallThroughALinkToTheMarkerGoesAsThroughADanglingLink(jimfs.getPath("/root"));
    }
  }

  private static void everyCallThroughALinkToTheMarkerGoesAsThroughADanglingLink(Path dir)
      throws IOException {
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      Files.createDirectory(fs.getPath("/d"));
    }
    Path rawMarker = dir.resolve(EncryptedFileSystem.MARKER);
    byte[] markerBytes = Files.readAllBytes(rawMarker);
    String markerMetadata = metadata(rawMarker);
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      // A link to the root's directory makes the marker's name below it internal by name; these
      // spellings reach it only by following a link to the file itself.
      List<String> targets =
          List.of(
              EncryptedFileSystem.MARKER,
              "d/../" + EncryptedFileSystem.MARKER,
              "/" + EncryptedFileSystem.MARKER);
      int n = 0;
      for (String target : targets) {
        n++;
        Files.createSymbolicLink(fs.getPath("/m" + n), fs.getPath(target));
        List<String> differences = sweepsDiffer(fs, dir, "m" + n);
        assertArrayEquals(markerBytes, Files.readAllBytes(rawMarker), target);
        assertEquals(markerMetadata, metadata(rawMarker), target);
        assertEquals(List.of(), differences, target);
      }
      // An absolute underlying path, which only someone with the raw directory can put there.
      Files.createSymbolicLink(dir.resolve("abs"), rawMarker);
      List<String> differences = sweepsDiffer(fs, dir, "abs");
      assertArrayEquals(markerBytes, Files.readAllBytes(rawMarker), "an absolute target");
      assertEquals(markerMetadata, metadata(rawMarker), "an absolute target");
      assertEquals(List.of(), differences, "an absolute target");
    }
    try (FileSystem fs = TestRoots.open(dir, keys, "AES-256-GCM", 4096)) {
      assertTrue(Files.isDirectory(fs.getPath("/d")), "the root opens, its marker intact");
    }
  }

  /**
   * What a call through a link could change of the marker but its bytes: its permissions, its owner
   * and group, its modification time and, where the file system keeps it, its change time, which
   * any change of these sets to now.
   */
  private static String metadata(Path rawMarker) throws IOException {
    PosixFileAttributes a = Files.readAttributes(rawMarker, PosixFileAttributes.class);
    boolean ctime = rawMarker.getFileSystem().supportedFileAttributeViews().contains("unix");
    return PosixFilePermissions.toString(a.permissions())
        + " "
        + a.owner()
        + " "
        + a.group()
        + " "
        + a.lastModifiedTime()
        + (ctime ? " ctime " + Files.getAttribute(rawMarker, "unix:ctime") : "");
  }

  /**
   * The differences between the sweep of the link {@code /name} and that of a link to nothing whose
   * stored target is as long, so that the two links' own sizes agree.
   */
  private static List<String> sweepsDiffer(FileSystem fs, Path dir, String name)
      throws IOException {
    int length = Files.readSymbolicLink(dir.resolve(name)).toString().length();
    Path dangling =
        Files.createSymbolicLink(fs.getPath("/dangling-" + name), fs.getPath("n".repeat(length)));
    return differences(sweep(fs, dangling), sweep(fs, fs.getPath("/" + name)));
  }

  /** The lines of two sweeps that differ, each as "dangling link's line | this link's line". */
  private static List<String> differences(List<String> dangling, List<String> link) {
    assertEquals(dangling.size(), link.size(), String.join("\n", link));
    List<String> different = new ArrayList<>();
    for (int i = 0; i < dangling.size(); i++) {
      // Reading a link gives its target, which is all that tells the two links apart; and on the
      // disk a path below the link fails as below any regular file (README "Known limits").
      boolean expected =
          link.get(i).startsWith("readSymbolicLink:")
              || link.get(i).matches(".*FileSystemException file=<probe>/\\S+ .*Not a directory");
      if (!dangling.get(i).equals(link.get(i)) && !expected) {
        different.add(dangling.get(i) + " | " + link.get(i));
      }
    }
    return different;
  }

  /**
   * The sweep of {@code link}, with a copy target of its own. Each sweep deletes its link as it
   * goes and moves {@code /existing} away, so that is written again first.
   */
  private static List<String> sweep(FileSystem fs, Path link) throws IOException {
    Path existing = Files.writeString(fs.getPath("/existing"), "keep");
    return FilesSweep.of(link, existing, fs.getPath("/d/copy-" + link.getFileName()));
  }
}
