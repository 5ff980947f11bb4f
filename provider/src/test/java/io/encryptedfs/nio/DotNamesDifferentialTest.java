package io.encryptedfs.nio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths with {@code .} or {@code ..} after a name that is missing, or not a directory, beside the
 * default file system: the kernel resolves each name in turn, so {@code missing/../f} and {@code
 * file/../f} name nothing there. Before, this file system normalized them away first: {@code
 * exists} said true, reads read {@code f}, writes created or replaced it and {@code delete} deleted
 * it. Each call's outcome (what it returned, or which exception, and whether it named the path as
 * given) and the files left after all of them must be the same.
 */
class DotNamesDifferentialTest {
  private static final String[] PATHS = {
    "missing/../f",
    "f/../f",
    "f/.",
    "f/./g",
    "d/../f",
    "d/./f",
    "d/e/../../f",
    "missing/./f",
    "d/missing/../../f",
    "f/x/../g"
  };

  private static List<String> run(Path dir) throws IOException {
    Files.writeString(dir.resolve("f"), "hello");
    Files.createDirectories(dir.resolve("d/e"));
    List<String> seen = new ArrayList<>();
    for (String name : PATHS) {
      Path p = dir.resolve(name);
      Path n = dir.resolve("n");
      seen.add(name + " exists: " + outcome(p, () -> Files.exists(p)));
      seen.add(
          name
              + " exists nofollow: "
              + outcome(p, () -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)));
      seen.add(name + " isDirectory: " + outcome(p, () -> Files.isDirectory(p)));
      seen.add(name + " size: " + outcome(p, () -> Files.size(p)));
      seen.add(name + " read: " + outcome(p, () -> Files.readString(p)));
      seen.add(name + " list: " + outcome(p, () -> list(p)));
      seen.add(name + " write: " + outcome(p, () -> Files.writeString(p, "new").getFileName()));
      seen.add(
          name + " createDirectory: " + outcome(p, () -> Files.createDirectory(p).getFileName()));
      seen.add(
          name + " copy to: " + outcome(p, () -> Files.copy(dir.resolve("d/e"), p).getFileName()));
      seen.add(
          name
              + " copy from: "
              + outcome(
                  p, () -> Files.copy(p, n, StandardCopyOption.REPLACE_EXISTING).getFileName()));
      seen.add(name + " move to: " + outcome(p, () -> Files.move(n, p).getFileName()));
      seen.add(
          name
              + " delete: "
              + outcome(
                  p,
                  () -> {
                    Files.delete(p);
                    return null;
                  }));
      seen.add(name + " left: " + left(dir));
      Files.writeString(dir.resolve("f"), "hello");
      Files.deleteIfExists(dir.resolve("n"));
    }
    return seen;
  }

  /**
   * A last name {@code .} or {@code ..}, and a link before a dot name, as the kernel resolves them:
   * a link there is followed ({@code link/.} is its target directory, {@code l2/../t} is {@code t}
   * beside the link's target), and what would remove the directory a last dot name names fails.
   * Before, such paths were normalized by name: {@code delete(empty/.)} deleted {@code empty},
   * moving {@code x/y/..} moved {@code x}, a copy replacing {@code empty/.} deleted it and then
   * failed, and a walk of {@code link/.} found only the link.
   */
  private static List<String> runEnds(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("x/y"));
    Files.createDirectories(dir.resolve("empty"));
    Files.createDirectories(dir.resolve("e2"));
    Files.writeString(dir.resolve("e2/a"), "a");
    Files.writeString(dir.resolve("x/t"), "xt");
    Files.writeString(dir.resolve("t"), "t");
    Files.writeString(dir.resolve("f"), "f");
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir.getFileSystem().getPath("e2"));
    Files.createSymbolicLink(dir.resolve("l2"), dir.getFileSystem().getPath("x/y"));
    Path f = dir.resolve("f");
    List<String> seen = new ArrayList<>();
    Map<String, Callable<?>> calls = new LinkedHashMap<>();
    calls.put("delete empty/.", () -> delete(dir.resolve("empty/.")));
    calls.put("delete x/y/..", () -> delete(dir.resolve("x/y/..")));
    calls.put("delete link/.", () -> delete(dir.resolve("link/.")));
    calls.put("move x/y/.. m", () -> Files.move(dir.resolve("x/y/.."), dir.resolve("m")));
    calls.put("move empty/. m", () -> Files.move(dir.resolve("empty/."), dir.resolve("m")));
    calls.put(
        "move f empty/. replacing",
        () -> Files.move(f, dir.resolve("empty/."), StandardCopyOption.REPLACE_EXISTING));
    calls.put(
        "move f link/. replacing",
        () -> Files.move(f, dir.resolve("link/."), StandardCopyOption.REPLACE_EXISTING));
    calls.put("move f empty/.", () -> Files.move(f, dir.resolve("empty/.")));
    calls.put(
        "copy f empty/. replacing",
        () -> Files.copy(f, dir.resolve("empty/."), StandardCopyOption.REPLACE_EXISTING));
    calls.put(
        "copy f x/y/.. replacing",
        () -> Files.copy(f, dir.resolve("x/y/.."), StandardCopyOption.REPLACE_EXISTING));
    calls.put(
        "copy f missing/. replacing",
        () -> Files.copy(f, dir.resolve("missing/."), StandardCopyOption.REPLACE_EXISTING));
    calls.put("walk link/.", () -> walk(dir, dir.resolve("link/.")));
    calls.put("list link/.", () -> list(dir.resolve("link/.")));
    calls.put(
        "is directory, nofollow, link/.",
        () -> Files.isDirectory(dir.resolve("link/."), LinkOption.NOFOLLOW_LINKS));
    calls.put("is link link/.", () -> Files.isSymbolicLink(dir.resolve("link/.")));
    calls.put("read link link/.", () -> Files.readSymbolicLink(dir.resolve("link/.")));
    calls.put(
        "copy link/. c, nofollow",
        () -> {
          Files.copy(dir.resolve("link/."), dir.resolve("c"), LinkOption.NOFOLLOW_LINKS);
          return Files.isDirectory(dir.resolve("c"), LinkOption.NOFOLLOW_LINKS);
        });
    calls.put("read l2/../t", () -> Files.readString(dir.resolve("l2/../t")));
    calls.put("read link/../t", () -> Files.readString(dir.resolve("link/../t")));
    calls.put("exists link/./a", () -> Files.exists(dir.resolve("link/./a")));
    for (Map.Entry<String, Callable<?>> call : calls.entrySet()) {
      Path named = dir.resolve(call.getKey().split(" ")[1]);
      seen.add(call.getKey() + ": " + outcome(named, call.getValue()));
    }
    seen.add("left: " + left(dir) + " link -> " + Files.readSymbolicLink(link));
    return seen;
  }

  private static Object delete(Path p) throws IOException {
    Files.delete(p);
    return null;
  }

  private static List<String> walk(Path dir, Path start) throws IOException {
    try (var walk = Files.walk(start)) {
      return walk.map(q -> dir.relativize(q).toString()).sorted().toList();
    }
  }

  private static String list(Path p) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
      s.forEach(e -> names.add(e.getFileName().toString()));
    }
    names.sort(null);
    return names.toString();
  }

  /** The tree's regular files with their content, and its directories. */
  private static String left(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (var walk = Files.walk(dir)) {
      for (Path q : (Iterable<Path>) walk::iterator) {
        String rel = dir.relativize(q).toString();
        out.add(
            Files.isDirectory(q)
                ? rel + "/"
                : rel + "=" + new String(Files.readAllBytes(q), StandardCharsets.UTF_8));
      }
    }
    out.sort(null);
    return out.toString();
  }

  /**
   * What {@code call} did: its result, or the simple name of what it threw and whether the message
   * names {@code p} as the caller wrote it. {@code NoSuchFileException}, {@code
   * NotDirectoryException} and a plain {@code FileSystemException} ("Not a directory") count as
   * one: the JDK itself reports these paths differently by version and call (JDK 25 reports {@code
   * ENOTDIR} from a {@code stat} as {@code NoSuchFileException}, JDK 17 as "Not a directory", and
   * both from an {@code open} as "Not a directory"), and which call the file system makes first for
   * a path is its own business; that the call fails, naming the path, is the point.
   */
  private static String outcome(Path p, Callable<?> call) {
    try {
      return String.valueOf(call.call());
    } catch (Exception e) {
      String named =
          e.getMessage() != null && e.getMessage().contains(p.toString()) ? " naming it" : "";
      boolean absent =
          e instanceof NoSuchFileException
              || e instanceof NotDirectoryException
              || e.getClass() == FileSystemException.class;
      return (absent ? "absent or not a directory" : e.getClass().getSimpleName()) + named;
    }
  }

  @Test
  void dotNamesAfterAMissingNameOrAFileNameNothing(@TempDir Path tmp) throws IOException {
    PlainAndEncrypted.assertSame(tmp, DotNamesDifferentialTest::run);
  }

  @Test
  void aLastDotNameIsNotRemovedAndALinkBeforeOneIsFollowed(@TempDir Path tmp) throws IOException {
    PlainAndEncrypted.assertSame(tmp, DotNamesDifferentialTest::runEnds);
  }
}
