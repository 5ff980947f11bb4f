package io.encryptedfs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.encryptedfs.testing.InMemoryKeys;
import io.encryptedfs.testing.TestRoots;
import java.nio.file.FileSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Path operations agree with the JDK's Unix path on the default file system: the same string in,
 * the same string (or the same exception type) out. The names {@code .}, {@code ..} and empty ones
 * (doubled slashes) are drawn as often as real names, since that is where the two could part.
 */
class EncryptedPathDifferentialTest {
  private static FileSystem jimfs;
  private static FileSystem fs;

  @BeforeContainer
  static void open() throws Exception {
    jimfs = Jimfs.newFileSystem(Configuration.unix());
    fs = TestRoots.open(jimfs.getPath("/root"), new InMemoryKeys("master"), "AES-256-GCM", 4096);
  }

  @AfterContainer
  static void close() throws Exception {
    fs.close();
    jimfs.close();
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> names = Arbitraries.of("a", "b", ".", "..", "");
    return Arbitraries.of("", "/")
        .flatMap(root -> names.list().ofMaxSize(4).map(n -> root + String.join("/", n)));
  }

  @Property(tries = 2000)
  void pathOperationsAgreeWithTheDefaultFileSystem(
      @ForAll("paths") String first, @ForAll("paths") String second) {
    assertEquals(
        outcomes(Path.of(first), Path.of(second)),
        outcomes(fs.getPath(first), fs.getPath(second)),
        "'" + first + "' with '" + second + "'");
  }

  private static List<String> outcomes(Path x, Path y) {
    List<String> out = new ArrayList<>();
    out.add(describe(x));
    out.add("relativize " + outcome(() -> x.relativize(y)));
    out.add("resolve " + outcome(() -> x.resolve(y)));
    out.add("resolveSibling " + outcome(() -> x.resolveSibling(y)));
    out.add("startsWith " + x.startsWith(y));
    out.add("endsWith " + x.endsWith(y));
    out.add("equals " + x.equals(y));
    out.add("compareTo " + Integer.signum(x.compareTo(y)));
    return out;
  }

  private static String describe(Path p) {
    int n = p.getNameCount();
    List<String> names = new ArrayList<>();
    p.forEach(name -> names.add("'" + name + "'"));
    return String.join(
        " ",
        "'" + p + "'",
        "abs=" + p.isAbsolute(),
        "n=" + n,
        "names=" + names,
        "fileName=" + quoted(p.getFileName()),
        "parent=" + quoted(p.getParent()),
        "root=" + quoted(p.getRoot()),
        "normalized=" + quoted(p.normalize()),
        "whole=" + outcome(() -> p.subpath(0, n)),
        "name0=" + outcome(() -> p.getName(0)),
        "nameN=" + outcome(() -> p.getName(n)));
  }

  private static String quoted(Path p) {
    return p == null ? "null" : "'" + p + "'";
  }

  private static String outcome(Callable<Path> call) {
    try {
      return quoted(call.call());
    } catch (Exception e) {
      return e.getClass().getSimpleName();
    }
  }

  @Example
  void relativizeFromAPathHoldingDotsAnswersAsTheDefaultDoes() {
    Function<String, Path> p = fs::getPath;
    assertEquals("x", p.apply("/data/./in").relativize(p.apply("/data/in/x")).toString());
    assertEquals("../c", p.apply("a/./b").relativize(p.apply("a/c")).toString());
    assertEquals("b", p.apply("a/..").relativize(p.apply("b")).toString());
    assertEquals("", p.apply("a/b").relativize(p.apply("a/b/.")).toString());
    assertThrows(IllegalArgumentException.class, () -> p.apply("..").relativize(p.apply("a")));
  }

  @Example
  void theEmptyPathHasOneEmptyName() {
    Path empty = fs.getPath("");
    assertEquals(1, empty.getNameCount());
    assertEquals(empty, empty.getFileName());
    assertEquals(empty, empty.getName(0));
    assertTrue(empty.startsWith(""));
    assertEquals(false, fs.getPath("a").startsWith(""));
  }

  @Example
  void pathsOrderByCodePointAsTheDefaultOrdersByUtf8Byte() {
    // U+FFFD sorts before U+1F600 by code point and UTF-8, after its surrogates by UTF-16 unit
    Path replacement = fs.getPath("/\uFFFD");
    Path emoji = fs.getPath("/\uD83D\uDE00");
    assertTrue(replacement.compareTo(emoji) < 0);
    assertTrue(emoji.compareTo(replacement) > 0);
    assertTrue(fs.getPath("/a").compareTo(fs.getPath("/a/b")) < 0);
  }

  /**
   * A name with a surrogate that is not half of a pair has no bytes on disk: the default file
   * system refuses it when the path is made, and so must an encrypted one. Accepted, it failed at
   * the first I/O call with the unchecked {@code InvalidPathException}, and {@code toUri} turned it
   * into another name ("x?y"). A pair is a name like any other.
   */
  @Example
  void aLoneSurrogateIsRefusedWhenThePathIsMade() {
    for (String name : new String[] {"x\uD800y", "\uDC00", "a/b\uD800", "\uDE00\uD83D"}) {
      assertThrows(InvalidPathException.class, () -> Path.of(name), name);
      InvalidPathException e = assertThrows(InvalidPathException.class, () -> fs.getPath(name));
      assertTrue(e.getIndex() >= 0 && Character.isSurrogate(name.charAt(e.getIndex())), name);
      assertThrows(InvalidPathException.class, () -> fs.getPath("/d").resolve(name), name);
    }
    assertEquals("a\uD83D\uDE00b", fs.getPath("/d", "a\uD83D\uDE00b").getFileName().toString());
  }
}
