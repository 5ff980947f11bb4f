package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encrypt} and {@code decrypt} of what is not a regular file: directories, symbolic links,
 * fifos. Before, a link or fifo was a "skipped" line with exit 0, and an empty directory vanished.
 */
class MigrateTreeTest {
  @TempDir Path tmp;
  private CliRunner cli;
  private Path plain;
  private Path root;

  @BeforeEach
  void keystore() throws Exception {
    cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    assertEquals(0, cli.keys("keys", "init").code());
    plain = Files.createDirectories(tmp.resolve("plain"));
    root = tmp.resolve("root");
    Files.writeString(plain.resolve("a.txt"), "alpha");
  }

  /**
   * Differential: the tree, the root and the export hold the same paths, kinds, link targets and
   * bytes; a rerun of either finds everything done.
   */
  @Test
  void encryptThenDecryptGivesBackTheSameTree() throws Exception {
    Files.createDirectories(plain.resolve("empty"));
    Files.createDirectories(plain.resolve("deep/er/est"));
    Files.writeString(Files.createDirectories(plain.resolve("d")).resolve("f.txt"), "in d");
    Files.createSymbolicLink(plain.resolve("d/rel"), Path.of("../a.txt"));
    Files.createSymbolicLink(plain.resolve("d/self"), Path.of("."));
    Files.createSymbolicLink(plain.resolve("dirlink"), Path.of("d"));
    Files.createSymbolicLink(plain.resolve("dangling"), Path.of("nowhere/x"));
    Map<String, String> tree = snapshot(plain);

    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 6, already done 0, failed 0\n"), encrypt.out());
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals(tree, snapshot(fs.getPath("/")));
      assertEquals("in d", Files.readString(fs.getPath("/dirlink/f.txt")), "the link works");
    }
    Path out = tmp.resolve("exported");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("decrypted 6, already done 0, failed 0\n"), decrypt.out());
    assertEquals(tree, snapshot(out));

    Run again = cli.keys("encrypt", plain.toString(), root.toString());
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("encrypted 0, already done 6, failed 0\n"), again.out());
    Run againOut = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, againOut.code(), againOut.out() + againOut.err());
    assertTrue(againOut.out().contains("decrypted 0, already done 6, failed 0\n"), againOut.out());
    assertEquals(tree, snapshot(out));
  }

  /**
   * An absolute target, a relative one that climbs out of the tree and a fifo cannot be held by a
   * root: each is named, counted as left out, and the exit status is 5, not 0.
   */
  @Test
  void encryptNamesAndLeavesOutWhatARootCannotHold() throws Exception {
    Files.createSymbolicLink(plain.resolve("abs"), plain.resolve("a.txt").toAbsolutePath());
    Files.createSymbolicLink(plain.resolve("up"), Path.of("../outside"));
    Files.createDirectories(plain.resolve("sub"));
    Files.createSymbolicLink(plain.resolve("sub/up2"), Path.of("x/../../../a.txt"));
    Files.createSymbolicLink(plain.resolve("sub/in"), Path.of("x/../../a.txt"));
    mkfifo(plain.resolve("fifo"));

    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    String o = encrypt.out();
    assertAll(
        () -> assertEquals(5, encrypt.code(), o + encrypt.err()),
        () -> assertTrue(o.contains("SKIPPED abs: a symbolic link to /"), o),
        () -> assertTrue(o.contains("a.txt, an absolute target: an encrypted root keeps"), o),
        () -> assertTrue(o.contains("SKIPPED up: a symbolic link to ../outside, which leads"), o),
        () -> assertTrue(o.contains("SKIPPED sub/up2: a symbolic link to x/../../../a.txt,"), o),
        () -> assertTrue(o.contains("SKIPPED fifo: not a regular file, directory or symbolic"), o),
        () -> assertTrue(o.contains("encrypted 2, already done 0, failed 0, left out 4\n"), o));
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals(
          Map.of("a.txt", "file alpha", "sub", "directory", "sub/in", "link x/../../a.txt"),
          snapshot(fs.getPath("/")));
    }
  }

  /**
   * Inside a root, {@code readSymbolicLink} gives a link made through the file system relative (as
   * stored), and one made on the disk with an absolute target inside the root as {@code /a.txt};
   * decrypt makes that relative to the link, so that it names the export's own a.txt, not the
   * host's /a.txt. A stored target leading out of the root and a fifo are left out (5); a damaged
   * file wins (1).
   */
  @Test
  void decryptKeepsInRootAbsoluteLinksInsideTheExport() throws Exception {
    Files.createDirectories(plain.resolve("d"));
    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    try (FileSystem fs = cli.openRoot(root)) {
      Files.createSymbolicLink(fs.getPath("/d/api"), fs.getPath("/a.txt"));
      assertEquals("../a.txt", Files.readSymbolicLink(fs.getPath("/d/api")).toString());
    }
    Files.createSymbolicLink(root.resolve("d/disk"), root.resolve("a.txt").toAbsolutePath());
    Files.createSymbolicLink(root.resolve("d/top"), root.toAbsolutePath());
    Files.createSymbolicLink(root.resolve("out"), Path.of("../elsewhere"));
    mkfifo(root.resolve("fifo"));
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("/a.txt", Files.readSymbolicLink(fs.getPath("/d/disk")).toString());
    }

    Path export = tmp.resolve("exported");
    Run decrypt = cli.keys("decrypt", root.toString(), export.toString());
    String o = decrypt.out();
    assertAll(
        () -> assertEquals(5, decrypt.code(), o + decrypt.err()),
        () ->
            assertTrue(o.contains("SKIPPED out: a symbolic link to ../elsewhere, which leads"), o),
        () -> assertTrue(o.contains("SKIPPED fifo: not a regular file, directory or symbolic"), o),
        () -> assertTrue(o.contains("decrypted 4, already done 0, failed 0, left out 2\n"), o));
    assertEquals(
        Map.of(
            "a.txt", "file alpha",
            "d", "directory",
            "d/api", "link ../a.txt",
            "d/disk", "link ../a.txt",
            "d/top", "link .."),
        snapshot(export));
    assertEquals("alpha", Files.readString(export.resolve("d/disk")));

    CliRunner.loseTheEnd(root.resolve("a.txt"));
    Path export2 = tmp.resolve("exported2");
    Run damaged = cli.keys("decrypt", root.toString(), export2.toString());
    assertAll(
        () -> assertEquals(1, damaged.code(), damaged.out() + damaged.err()),
        () -> assertTrue(damaged.out().contains("a.txt: FAILED: "), damaged.out()),
        () -> assertTrue(damaged.out().contains("SKIPPED fifo: "), damaged.out()),
        () -> assertTrue(damaged.out().contains("failed 1, left out 2\n"), damaged.out()));
  }

  /**
   * A rerun finds its own links done and replaces nothing else: a link with another target, a file
   * where a link goes, a link where a file goes (each left out, 5), a link where a directory goes
   * (failed, 1, with what is in the directory: written through the link, it would land outside).
   */
  @Test
  void aRerunReplacesNoLinkAndWritesThroughNone() throws Exception {
    Files.writeString(plain.resolve("b.txt"), "beta");
    Files.createSymbolicLink(plain.resolve("l"), Path.of("a.txt"));
    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    try (FileSystem fs = cli.openRoot(root)) {
      Files.delete(fs.getPath("/l"));
      Files.createSymbolicLink(fs.getPath("/l"), fs.getPath("b.txt"));
    }
    Run again = cli.keys("encrypt", plain.toString(), root.toString());
    assertAll(
        () -> assertEquals(5, again.code(), again.out() + again.err()),
        () ->
            assertTrue(
                again
                    .out()
                    .contains(
                        "SKIPPED l: a symbolic link to a.txt, but a link to b.txt is at its place"
                            + " in the copy; not replaced"),
                again.out()),
        () ->
            assertTrue(
                again.out().contains("encrypted 0, already done 2, failed 0, left out 1\n")));
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("b.txt", Files.readSymbolicLink(fs.getPath("/l")).toString());
    }

    Path export = Files.createDirectories(tmp.resolve("exported"));
    Files.writeString(export.resolve("l"), "the user's own");
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(export.resolve("a.txt"), elsewhere.resolve("a.txt"));
    try (FileSystem fs = cli.openRoot(root)) {
      Files.writeString(Files.createDirectories(fs.getPath("/d")).resolve("f.txt"), "in d");
    }
    Files.createSymbolicLink(export.resolve("d"), elsewhere);
    Run decrypt = cli.keys("decrypt", root.toString(), export.toString());
    String o = decrypt.out();
    assertAll(
        () -> assertEquals(1, decrypt.code(), o + decrypt.err()),
        () -> assertTrue(o.contains("SKIPPED l: a symbolic link to b.txt, but a file is at"), o),
        () -> assertTrue(o.contains("SKIPPED a.txt: a symbolic link is at its place"), o),
        () -> assertTrue(o.contains("d: FAILED: "), o),
        () -> assertTrue(o.contains("d/f.txt: FAILED: its directory could not be made"), o),
        () -> assertTrue(o.contains("decrypted 1, already done 0, failed 2, left out 2\n"), o));
    assertEquals("the user's own", Files.readString(export.resolve("l")));
    assertEquals(elsewhere.resolve("a.txt"), Files.readSymbolicLink(export.resolve("a.txt")));
    assertEquals("beta", Files.readString(export.resolve("b.txt")));
    try (var written = Files.list(elsewhere)) {
      assertEquals(0, written.count(), "nothing written through a link");
    }
  }

  /**
   * A directory at a file's place in the copy stays, and the file fails (1), empty or not: before,
   * the rename replaced an empty one.
   */
  @Test
  void aFileDoesNotReplaceADirectoryAtItsPlace() throws Exception {
    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    Path export = Files.createDirectories(tmp.resolve("exported/a.txt"));
    Run decrypt = cli.keys("decrypt", root.toString(), export.getParent().toString());
    String o = decrypt.out();
    assertAll(
        () -> assertEquals(1, decrypt.code(), o + decrypt.err()),
        () -> assertTrue(o.contains("a.txt: FAILED: "), o),
        () -> assertTrue(o.contains("a.txt: a directory, not replaced by a file"), o),
        () -> assertTrue(o.contains("decrypted 0, already done 0, failed 1\n"), o));
    assertTrue(Files.isDirectory(export, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Each entry below {@code top} by relative name: its kind, and a link's target or file's text.
   */
  /** A file with two names is copied once per name, both ways, each copy a file of its own. */
  @Test
  void hardLinksAreCopiedOncePerName() throws Exception {
    Files.createLink(plain.resolve("b.txt"), plain.resolve("a.txt"));
    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
    assertTrue(encrypt.out().contains("encrypted 2, already done 0, failed 0\n"), encrypt.out());
    try (FileSystem fs = cli.openRoot(root)) {
      assertEquals("alpha", Files.readString(fs.getPath("/b.txt")));
      assertFalse(Files.isSameFile(fs.getPath("/a.txt"), fs.getPath("/b.txt")));
      Files.createLink(fs.getPath("/c.txt"), fs.getPath("/a.txt"));
    }
    Path out = tmp.resolve("exported");
    Run decrypt = cli.keys("decrypt", root.toString(), out.toString());
    assertEquals(0, decrypt.code(), decrypt.out() + decrypt.err());
    assertTrue(decrypt.out().contains("decrypted 3, already done 0, failed 0\n"), decrypt.out());
    assertEquals("alpha", Files.readString(out.resolve("c.txt")));
    assertFalse(Files.isSameFile(out.resolve("a.txt"), out.resolve("c.txt")));
  }

  private static Map<String, String> snapshot(Path top) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    Files.walkFileTree(
        top,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (!dir.equals(top)) {
              entries.put(top.relativize(dir).toString(), "directory");
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String name = top.relativize(file).toString();
            if (attrs.isSymbolicLink()) {
              entries.put(name, "link " + Files.readSymbolicLink(file));
            } else if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
              entries.put(name, "file " + Files.readString(file));
            } else {
              entries.put(name, "other");
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return entries;
  }

  /** A fifo at {@code path}, made by the mkfifo command (Debian has it in coreutils). */
  private static void mkfifo(Path path) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.assumeTrue(false, "no mkfifo command here to make a fifo with: " + e);
      return;
    }
    assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
    assertTrue(Files.readAttributes(path, BasicFileAttributes.class).isOther(), "a fifo");
  }
}
