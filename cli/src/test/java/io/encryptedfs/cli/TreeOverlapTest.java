package io.encryptedfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.encryptedfs.cli.CliRunner.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encrypt} and {@code decrypt} refuse a plain tree and a root that are one directory or one
 * inside the other, before they create or copy anything. An export into the root wrote cleartext
 * into the encrypted root's own directory, which every later {@code verify} then reported as
 * damage; an import into the tree copied its own output.
 */
class TreeOverlapTest {
  @TempDir Path tmp;
  private CliRunner cli;
  private Path plain;
  private Path root;

  @BeforeEach
  void encryptedTree() throws IOException {
    cli = new CliRunner(tmp);
    CliRunner.writePassword(tmp.resolve("pass"), "correct horse battery\n");
    plain = Files.createDirectories(tmp.resolve("plain/sub"));
    Files.writeString(plain.resolve("a.txt"), "alpha");
    plain = tmp.resolve("plain");
    root = tmp.resolve("root");
    assertEquals(0, cli.keys("keys", "init").code());
    Run encrypt = cli.keys("encrypt", plain.toString(), root.toString(), "--create");
    assertEquals(0, encrypt.code(), encrypt.out() + encrypt.err());
  }

  @Test
  void anExportIntoTheRootIsRefused() throws IOException {
    List<String> before = listing(root);
    Path link = Files.createSymbolicLink(tmp.resolve("alias"), root);
    for (Path target : List.of(root.resolve("out"), root, link.resolve("out"), tmp)) {
      Run run = cli.keys("decrypt", root.toString(), target.toString());
      assertEquals(ExitCodes.USAGE, run.code(), target + ": " + run.out() + run.err());
      assertTrue(run.err().contains("must be apart"), run.err());
      assertEquals(before, listing(root), "the root's directory is as it was");
    }
    assertFalse(Files.exists(root.resolve("out")));
  }

  @Test
  void anImportIntoTheTreeOrFromTheRootIsRefused() throws IOException {
    List<String> before = listing(plain);
    Run into = cli.keys("encrypt", plain.toString(), plain.resolve("enc").toString(), "--create");
    assertEquals(ExitCodes.USAGE, into.code(), into.out() + into.err());
    assertTrue(into.err().contains("ROOT " + plain.resolve("enc") + " is inside PLAIN_DIR"));
    assertEquals(before, listing(plain), "no root was made in the tree");

    List<String> rootBefore = listing(root);
    Run fromRoot = cli.keys("encrypt", root.resolve("sub").toString(), root.toString());
    assertEquals(ExitCodes.USAGE, fromRoot.code(), fromRoot.out() + fromRoot.err());
    assertTrue(fromRoot.err().contains("is inside ROOT"), fromRoot.err());
    assertEquals(rootBefore, listing(root));
  }

  /** Names that only share a prefix are apart: {@code root} and {@code root-export}. */
  @Test
  void aSiblingWhoseNameStartsAsTheRootsIsApart() throws IOException {
    Path export = tmp.resolve("root-export");
    Run run = cli.keys("decrypt", root.toString(), export.toString());
    assertEquals(0, run.code(), run.out() + run.err());
    assertEquals("alpha", Files.readString(export.resolve("sub/a.txt")));
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(
              p -> dir.relativize(p) + (Files.isRegularFile(p) ? ":" + p.toFile().length() : ""))
          .sorted()
          .toList();
    }
  }
}
