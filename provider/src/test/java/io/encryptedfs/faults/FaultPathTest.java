package io.encryptedfs.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultPathTest {
  private final JimfsFaults fixture = new JimfsFaults();
  private final FaultInjectingFileSystem faults = fixture.faults;
  private final Path root = fixture.root();

  FaultPathTest() throws IOException {}

  @AfterEach
  void close() throws IOException {
    fixture.close();
  }

  @Test
  void pathsBelongToTheFaultFileSystem() {
    Path file = root.resolve("a/b.log");

    assertSame(faults, root.getFileSystem());
    assertSame(faults, file.getFileSystem());
    assertSame(faults, file.getFileName().getFileSystem());
    assertEquals("faultfs", faults.provider().getScheme());
    assertSame(faults.provider(), file.getFileSystem().provider());
  }

  @Test
  void pathOperationsMirrorTheUnderlyingPaths() {
    Path file = root.resolve("a").resolve("b.log");

    assertEquals("/data/a/b.log", file.toString());
    assertEquals(faults.getPath("b.log"), file.getFileName());
    assertEquals(root.resolve("a"), file.getParent());
    assertEquals(faults.getPath("/"), file.getRoot());
    assertEquals(faults.getPath("a/b.log"), root.relativize(file));
    assertEquals(file, root.resolve(root.relativize(file)));
    assertEquals(root.resolve("c"), root.resolve("a/../c").normalize());
    assertEquals(root.resolve("a/c.log"), file.resolveSibling("c.log"));
    assertEquals(faults.getPath("a/b.log"), file.subpath(1, 3));
    assertEquals(faults.getPath("data"), file.getName(0));
    assertEquals(3, file.getNameCount());
    assertTrue(file.isAbsolute());
    assertFalse(faults.getPath("x").isAbsolute());
    assertEquals(
        fixture.jimfs.getPath("x").toAbsolutePath().toString(),
        faults.getPath("x").toAbsolutePath().toString());
    assertTrue(file.startsWith(root));
    assertTrue(file.startsWith("/data/a"));
    assertTrue(file.endsWith(faults.getPath("a/b.log")));
    assertTrue(file.endsWith("b.log"));
    assertTrue(root.compareTo(file) < 0);
    assertEquals(root.resolve("a/b.log").hashCode(), file.hashCode());
    List<String> names = new ArrayList<>();
    file.forEach(name -> names.add(name.toString()));
    assertEquals(List.of("data", "a", "b.log"), names);
  }

  @Test
  void pathsOfOtherFileSystemsAreForeign() throws IOException {
    Path underlying = fixture.underlyingRoot.resolve("x");
    try (JimfsFaults other = new JimfsFaults()) {
      Path twin = other.root().resolve("x");

      assertThrows(ProviderMismatchException.class, () -> root.resolve(underlying));
      assertThrows(ProviderMismatchException.class, () -> root.relativize(twin));
      assertFalse(root.resolve("x").startsWith(fixture.underlyingRoot));
      assertNotEquals(twin, root.resolve("x"));
      assertEquals(twin.toString(), root.resolve("x").toString());
    }
  }

  @Test
  void urisNameTheUnderlyingPathAndResolveBack() {
    Path file = root.resolve("a/b.log");

    URI uri = file.toUri();

    assertEquals("faultfs", uri.getScheme());
    assertEquals(
        fixture.underlyingRoot.resolve("a/b.log").toUri().toString(),
        uri.getRawSchemeSpecificPart());
    assertEquals(file, faults.provider().getPath(uri));
    assertSame(faults, faults.provider().getFileSystem(uri));
    assertThrows(
        IllegalArgumentException.class,
        () -> faults.provider().getPath(fixture.underlyingRoot.toUri()));
  }

  @Test
  void pathMatchersMatchFaultPaths() {
    assertTrue(faults.getPathMatcher("glob:**/*.log").matches(root.resolve("a/b.log")));
    assertFalse(faults.getPathMatcher("glob:**/*.log").matches(root.resolve("a/b.dat")));
  }

  @Test
  void aClosedFileSystemRefusesWork() {
    faults.close();

    assertFalse(faults.isOpen());
    assertThrows(ClosedFileSystemException.class, () -> Files.exists(root));
  }
}
