package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Symbolic links on the real disk, where an empty raw target is refused. */
class SymbolicLinksTest {
  @TempDir Path tmp;
  private Path rawRoot;
  private FileSystem fs;

  @BeforeEach
  void open() throws Exception {
    rawRoot = tmp.resolve("root");
    fs = TestRoots.open(rawRoot, new InMemoryKeys("master"), "AES-256-GCM", 4096);
    Files.createDirectories(fs.getPath("/a"));
    Files.writeString(fs.getPath("/a/f"), "in a");
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  @Test
  void aLinkToItsOwnDirectoryIsStoredAsDotAndResolves() throws Exception {
    Path up = fs.getPath("/a/up");
    Files.createSymbolicLink(up, fs.getPath("/a"));
    assertEquals(fs.getPath("."), Files.readSymbolicLink(up));
    assertEquals(Path.of("."), Files.readSymbolicLink(rawRoot.resolve("a/up")));
    assertEquals(fs.getPath("/a"), up.toRealPath());
    assertTrue(Files.isSameFile(up, fs.getPath("/a")));
    assertEquals("in a", Files.readString(fs.getPath("/a/up/f")));
  }

  @Test
  void aLinkToTheRootFromTheRootResolves() throws Exception {
    Path link = fs.getPath("/rootl");
    Files.createSymbolicLink(link, fs.getPath("/"));
    assertEquals(fs.getPath("."), Files.readSymbolicLink(link));
    assertEquals(fs.getPath("/"), link.toRealPath());
    assertEquals("in a", Files.readString(fs.getPath("/rootl/a/f")));
  }

  @Test
  void anEmptyRelativeTargetIsStillRefusedAsOnTheDefault() {
    NoSuchFileException e =
        assertThrows(
            NoSuchFileException.class,
            () -> Files.createSymbolicLink(fs.getPath("/a/l"), fs.getPath("")));
    assertEquals("/a/l", e.getFile());
    assertNull(e.getOtherFile());
  }

  @Test
  void aLinkOverAnExistingNameNamesTheLinkOnlyAsTheDefaultDoes() {
    FileAlreadyExistsException e =
        assertThrows(
            FileAlreadyExistsException.class,
            () -> Files.createSymbolicLink(fs.getPath("/a/f"), fs.getPath("/a")));
    assertEquals("/a/f", e.getFile());
    assertNull(e.getOtherFile());
  }
}
