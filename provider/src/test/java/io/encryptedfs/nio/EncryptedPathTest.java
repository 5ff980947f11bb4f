package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.*;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.ProviderMismatchException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedPathTest {
  private FileSystem fs;
  @TempDir Path tmp;

  @BeforeEach
  void open() throws Exception {
    fs = TestRoots.open(tmp.resolve("root"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  @AfterEach
  void close() throws Exception {
    fs.close();
  }

  @Test
  void namesParentsAndRoot() {
    Path p = fs.getPath("/wal", "000001.log");
    assertEquals("/wal/000001.log", p.toString());
    assertTrue(p.isAbsolute());
    assertEquals(2, p.getNameCount());
    assertEquals("000001.log", p.getFileName().toString());
    assertEquals("/wal", p.getParent().toString());
    assertEquals("/", p.getRoot().toString());
    assertNull(fs.getPath("/").getFileName());
    assertNull(fs.getPath("a").getParent());
    assertNull(fs.getPath("a").getRoot());
    assertEquals("b/c", fs.getPath("/a/b/c").subpath(1, 3).toString());
    assertEquals(fs.getPath("/a//b/"), fs.getPath("/a/b"));
  }

  @Test
  void normalizeResolveRelativize() {
    assertEquals("/a/c", fs.getPath("/a/./b/../c").normalize().toString());
    assertEquals("/c", fs.getPath("/../../c").normalize().toString());
    assertEquals("../x", fs.getPath("a/../../x").normalize().toString());
    Path base = fs.getPath("/a/b");
    assertEquals("/a/b/c/d", base.resolve("c/d").toString());
    assertEquals("/z", base.resolve("/z").toString());
    assertEquals("../c", base.relativize(fs.getPath("/a/c")).toString());
    Path q = fs.getPath("/x/y/z");
    assertEquals(q, fs.getPath("/x").resolve(fs.getPath("/x").relativize(q)));
    assertThrows(IllegalArgumentException.class, () -> base.relativize(fs.getPath("rel")));
  }

  @Test
  void startsAndEndsWith() {
    Path p = fs.getPath("/a/b/c");
    assertTrue(p.startsWith("/a/b"));
    assertFalse(p.startsWith("a/b"));
    assertTrue(p.endsWith("b/c"));
    assertTrue(p.endsWith("/a/b/c"));
    assertFalse(p.endsWith("a/c"));
  }

  /**
   * {@code compareTo} agrees with {@code equals} across roots: the same names in two roots compared
   * as 0 though unequal, so a sorted set of both kept one. Another provider's path is a {@code
   * ClassCastException}, as {@code Path.compareTo} says and the JDK's paths throw.
   */
  @Test
  void pathsOfTwoRootsAreOrderedAsTheyAreUnequal() throws Exception {
    try (FileSystem other =
        TestRoots.open(tmp.resolve("other"), new InMemoryKeys("master"), "AES-256-GCM", 4096)) {
      Path a = fs.getPath("/data/x");
      Path b = other.getPath("/data/x");
      assertNotEquals(a, b);
      assertNotEquals(0, a.compareTo(b));
      assertEquals(-Integer.signum(a.compareTo(b)), Integer.signum(b.compareTo(a)));
      assertEquals(2, new java.util.TreeSet<>(java.util.List.of(a, b)).size());
      assertEquals(0, a.compareTo(fs.getPath("/data/x")));
      assertTrue(a.compareTo(fs.getPath("/data/y")) < 0);
      assertThrows(ClassCastException.class, () -> a.compareTo(Path.of("/data/x")));
    }
  }

  @Test
  void uriRoundTripsThroughPathsGet() {
    Path p = fs.getPath("/dir with space/ä.log");
    URI uri = p.toUri();
    assertEquals("encrypted", uri.getScheme());
    assertTrue(uri.toString().endsWith("!/dir%20with%20space/%C3%A4.log"), uri.toString());
    assertEquals(uri.toString(), uri.toASCIIString(), "encoded as the directory's part is");
    assertEquals(p, Paths.get(uri));
    assertEquals(uri, fs.getPath("dir with space/ä.log").toUri());
  }

  /**
   * Slashes doubled after the "!" name the path without them, as {@code file:///tmp//x} names
   * {@code /tmp/x}: the part was parsed as a URI of its own, so {@code !//a/b/c} read {@code a} as
   * an authority and named {@code /b/c}, another file, and {@code !//a} the empty path. URIs so
   * made are common where code joins a root's URI and a path with a "/".
   */
  @Test
  void doubledSlashesAfterTheSeparatorAreOne() {
    String root = fs.getPath("/").toUri().toString();
    assertTrue(root.endsWith("!/"), root);
    assertEquals(fs.getPath("/a/b/c"), Paths.get(URI.create(root + "/a/b/c")));
    assertEquals(fs.getPath("/a"), Paths.get(URI.create(root + "/a")));
    assertEquals(fs.getPath("/a/b/c"), Paths.get(URI.create(root + "//a/b/c")));
    assertEquals(fs.getPath("/a b/c"), Paths.get(URI.create(root + "/a%20b/c")));
  }

  /**
   * A root below a directory whose name ends in '!' ({@code x!/inner}): "!/" also ends the
   * directory in an {@code encrypted:} URI, so the URI of {@code /a} there named {@code /inner!/a}
   * in a root at {@code x} (or no root at all). The directory's '!' is encoded now.
   */
  @Test
  void uriOfAPathBelowADirectoryEndingInAnExclamationMarkNamesItsOwnRoot() throws Exception {
    InMemoryKeys keys = new InMemoryKeys("master");
    try (FileSystem outer = TestRoots.open(tmp.resolve("x"), keys, "AES-256-GCM", 4096);
        FileSystem inner = TestRoots.open(tmp.resolve("x!/inner"), keys, "AES-256-GCM", 4096)) {
      for (Path p :
          new Path[] {inner.getPath("/a"), inner.getPath("/b!/c!"), outer.getPath("/d")}) {
        URI uri = p.toUri();
        assertEquals(p, Paths.get(uri), uri.toString());
        assertSame(p.getFileSystem(), Paths.get(uri).getFileSystem(), uri.toString());
      }
    }
    URI written = URI.create("encrypted:" + tmp.resolve("root").toUri() + "!/e!/f");
    assertEquals(fs.getPath("/e!/f"), Paths.get(written), "a URI written with the '!' raw");
  }

  @Test
  void foreignPathsAndFileAreRefused() throws Exception {
    Path p = fs.getPath("/a");
    assertThrows(UnsupportedOperationException.class, p::toFile);
    try (FileSystem other = Jimfs.newFileSystem(Configuration.unix())) {
      assertThrows(ProviderMismatchException.class, () -> p.resolve(other.getPath("/x")));
    }
  }

  @Test
  void internalMarkerIsNeverListed() throws Exception {
    java.nio.file.Files.writeString(fs.getPath("/visible.txt"), "x");
    try (var s = java.nio.file.Files.list(fs.getPath("/"))) {
      assertEquals(java.util.List.of("/visible.txt"), s.map(Path::toString).toList());
    }
    assertFalse(java.nio.file.Files.exists(fs.getPath("/" + EncryptedFileSystem.MARKER)));
  }
}
