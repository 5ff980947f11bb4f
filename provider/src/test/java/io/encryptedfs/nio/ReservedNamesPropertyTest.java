package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the name and the creating call, the call is refused exactly when the name starts with
 * the root marker's, and then the directory stays empty on the underlying file system; otherwise
 * the entry is made. Names are drawn near the boundary: prefixes of the marker's name, other cases,
 * the marker's name inside a longer one. On a root whose directory folds case the same holds for
 * the name once lower-cased, at the root too, where such a name is not there for any call, and the
 * marker stays byte for byte.
 */
class ReservedNamesPropertyTest {
  private static final AtomicInteger DIRS = new AtomicInteger();
  private static FileSystem jimfs;
  private static FileSystem fs;
  private static FileSystem foldingJimfs;
  private static FileSystem folding;
  private static byte[] foldingMarker;

  @BeforeContainer
  static void open() throws IOException {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    fs = TestRoots.open(jimfs.getPath("/root"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
    foldingJimfs = Jimfs.newFileSystem(CaseFoldingRootTest.FOLDING);
    Path foldingRoot = foldingJimfs.getPath("/root");
    folding = TestRoots.open(foldingRoot, new InMemoryKeys("master"), "AES-256-GCM", 4096);
    foldingMarker = Files.readAllBytes(foldingRoot.resolve(EncryptedFileSystem.MARKER));
  }

  @AfterContainer
  static void close() throws IOException {
    fs.close();
    jimfs.close();
    folding.close();
    foldingJimfs.close();
  }

  /** The ways to make an entry named {@code name} in {@code dir}. */
  private interface Creation {
    void make(Path dir, String name) throws IOException;
  }

  @Provide
  Arbitrary<String> names() {
    Arbitrary<String> prefixes =
        Arbitraries.of(
            "", ".", ".encrypted", ".encryptedf", EncryptedFileSystem.MARKER, ".ENCRYPTEDFS", "x.");
    Arbitrary<String> suffixes = Arbitraries.strings().withChars(".-fsx").ofMaxLength(3);
    return prefixes
        .flatMap(p -> suffixes.map(s -> p + s))
        .filter(n -> !n.isEmpty() && !n.equals(".") && !n.equals(".."));
  }

  @Provide
  Arbitrary<Creation> creations() {
    return Arbitraries.of(
        (dir, name) -> Files.createFile(dir.resolve(name)),
        (dir, name) -> Files.writeString(dir.resolve(name), "x"),
        (dir, name) -> Files.writeString(dir.resolve(name), "x", StandardOpenOption.CREATE_NEW),
        (dir, name) -> Files.createDirectory(dir.resolve(name)),
        (dir, name) -> Files.createSymbolicLink(dir.resolve(name), dir),
        (dir, name) -> Files.copy(dir.getFileSystem().getPath("/source"), dir.resolve(name)),
        (dir, name) ->
            Files.copy(
                dir.getFileSystem().getPath("/source"),
                dir.resolve(name),
                StandardCopyOption.REPLACE_EXISTING),
        (dir, name) -> Files.move(Files.writeString(dir.resolve("m"), "m"), dir.resolve(name)));
  }

  @Property(tries = 300)
  void refusedExactlyWhenTheNameStartsWithTheMarkers(
      @ForAll("names") String name, @ForAll("creations") Creation creation) throws IOException {
    Files.writeString(fs.getPath("/source"), "s");
    Path dir = Files.createDirectory(fs.getPath("/d" + DIRS.incrementAndGet()));
    boolean reserved = name.startsWith(EncryptedFileSystem.MARKER);
    try {
      creation.make(dir, name);
      assertFalse(reserved, name + " was made");
      assertTrue(Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS), name);
    } catch (FileSystemException e) {
      assertTrue(reserved, name + ": " + e);
      assertEquals(ReservedNames.REASON, e.getReason(), e.toString());
      assertEquals(dir.resolve(name).toString(), e.getFile());
      List<String> names = rawNames(jimfs, dir);
      assertTrue(names.isEmpty() || names.equals(List.of("m")), names.toString());
    }
  }

  /** Prefixes of the marker's name and names near it, each character in a random case. */
  @Provide
  Arbitrary<String> casedNames() {
    Arbitrary<String> prefixes =
        Arbitraries.of(".", ".encrypted", ".encryptedf", EncryptedFileSystem.MARKER, "x.")
            .flatMap(
                p ->
                    Arbitraries.of(true, false)
                        .list()
                        .ofSize(p.length())
                        .map(upper -> inCases(p, upper)));
    Arbitrary<String> suffixes = Arbitraries.strings().withChars(".-fsxFSX").ofMaxLength(3);
    return Combinators.combine(prefixes, suffixes)
        .as((p, s) -> p + s)
        .filter(n -> !n.equals(".") && !n.equals(".."));
  }

  private static String inCases(String s, List<Boolean> upper) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(upper.get(i) ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }

  @Property(tries = 300)
  void onAFoldingRootRefusedExactlyWhenTheNameStartsWithTheMarkersInAnyCase(
      @ForAll("casedNames") String name,
      @ForAll("creations") Creation creation,
      @ForAll boolean atRoot)
      throws IOException {
    Files.writeString(folding.getPath("/source"), "s");
    Path dir =
        atRoot
            ? folding.getPath("/")
            : Files.createDirectory(folding.getPath("/d" + DIRS.incrementAndGet()));
    boolean reserved = name.toLowerCase(Locale.ROOT).startsWith(EncryptedFileSystem.MARKER);
    List<String> before = rawNames(foldingJimfs, dir);
    try {
      creation.make(dir, name);
      assertFalse(reserved, name + " was made");
      assertTrue(Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS), name);
      Files.delete(dir.resolve(name));
    } catch (FileSystemException e) {
      assertTrue(reserved, name + ": " + e);
      assertEquals(ReservedNames.REASON, e.getReason(), e.toString());
      assertEquals(dir.resolve(name).toString(), e.getFile());
      Files.deleteIfExists(dir.resolve("m"));
      assertEquals(before, rawNames(foldingJimfs, dir));
    }
    if (reserved && atRoot) {
      assertFalse(Files.exists(dir.resolve(name)), name);
      assertThrows(NoSuchFileException.class, () -> Files.delete(dir.resolve(name)), name);
    }
    assertArrayEquals(
        foldingMarker,
        Files.readAllBytes(foldingJimfs.getPath("/root", EncryptedFileSystem.MARKER)));
  }

  /** The names in the underlying directory of {@code dir}, a directory of a root at /root. */
  private static List<String> rawNames(FileSystem underlying, Path dir) throws IOException {
    Path raw = underlying.getPath("/root").resolve(dir.toString().substring(1));
    try (Stream<Path> listed = Files.list(raw)) {
      return listed.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
