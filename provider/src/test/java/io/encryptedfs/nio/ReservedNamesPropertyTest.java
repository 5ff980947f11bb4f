package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever the name and the creating call, the call is refused exactly when the name starts with
 * the root marker's, and then the directory stays empty on the underlying file system; otherwise
 * the entry is made. Names are drawn near the boundary: prefixes of the marker's name, other cases,
 * the marker's name inside a longer one.
 */
class ReservedNamesPropertyTest {
  private static final AtomicInteger DIRS = new AtomicInteger();
  private static FileSystem jimfs;
  private static FileSystem fs;

  @BeforeContainer
  static void open() throws IOException {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    fs = TestRoots.open(jimfs.getPath("/root"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  @AfterContainer
  static void close() throws IOException {
    fs.close();
    jimfs.close();
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
        (dir, name) -> Files.copy(fs.getPath("/source"), dir.resolve(name)),
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
      Path raw = jimfs.getPath("/root").resolve(dir.getFileName().toString());
      try (Stream<Path> left = Files.list(raw)) {
        List<String> names = left.map(p -> p.getFileName().toString()).toList();
        assertTrue(names.isEmpty() || names.equals(List.of("m")), names.toString());
      }
    }
  }
}
